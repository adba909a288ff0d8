export interface LineBufferOptions {
  /** Lines held at most; a line pushed beyond is dropped and counted (never an unbounded queue). */
  maxBuffered: number;
  /** Lines per write; a full batch is written at once, without waiting for the interval. */
  batchSize: number;
  /** The longest a line waits before it is written. */
  flushIntervalMs: number;
}

export interface LineBufferEvents {
  /** A write failed; its lines were kept while there was room. */
  writeFailed?(error: unknown, lines: number): void;
  /** Lines were dropped since the last report (told at most once per flush). */
  dropped?(count: number, total: number): void;
}

export interface LineBufferStats {
  written: number;
  /** Lines lost because the buffer was full (the database slow or down). */
  dropped: number;
  /** Writes that failed (their lines were kept for the next write while there was room). */
  failedWrites: number;
}

/**
 * An in-memory, bounded buffer that writes lines in batches through `write` (one database statement
 * per batch), off the path of whoever pushes: `push` only appends to an array. Writes are serialised;
 * a failed batch goes back to the front of the buffer while there is room, otherwise it is dropped and
 * counted, so a database outage costs lines, never memory or request latency.
 */
export class LineBuffer<T> {
  private lines: T[] = [];
  private draining?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private scheduled = false;
  private readonly counts: LineBufferStats = { written: 0, dropped: 0, failedWrites: 0 };
  private reportedDrops = 0;

  constructor(
    private readonly write: (batch: T[]) => Promise<void>,
    private readonly options: LineBufferOptions,
    private readonly events: LineBufferEvents = {},
  ) {}

  get size(): number {
    return this.lines.length;
  }

  stats(): LineBufferStats {
    return { ...this.counts };
  }

  push(line: T): void {
    if (this.lines.length >= this.options.maxBuffered) {
      this.counts.dropped += 1;
      return;
    }
    this.lines.push(line);
    if (this.lines.length >= this.options.batchSize && !this.scheduled) {
      this.scheduled = true;
      // Not now: the pusher (a request's hook) must not wait for, nor start, a database write.
      setImmediate(() => {
        this.scheduled = false;
        void this.flush();
      });
    }
  }

  /** Writes on a timer until `stop`; the timer does not keep the process alive. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  /**
   * Writes everything buffered when called (and what arrives meanwhile), batch by batch. Resolves when
   * done, or after the first failed write (its lines stay buffered for the next attempt). Never rejects.
   */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
    if (this.lines.length > 0) {
      this.draining = this.drain().finally(() => {
        this.draining = undefined;
      });
      await this.draining;
    }
    this.reportDrops();
  }

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async drain(): Promise<void> {
    while (this.lines.length > 0) {
      const batch = this.lines.splice(0, this.options.batchSize);
      try {
        await this.write(batch);
        this.counts.written += batch.length;
      } catch (error) {
        this.counts.failedWrites += 1;
        const room = Math.max(0, this.options.maxBuffered - this.lines.length);
        const kept = batch.slice(0, room);
        this.counts.dropped += batch.length - kept.length;
        this.lines = kept.concat(this.lines);
        this.events.writeFailed?.(error, batch.length);
        return;
      }
    }
  }

  private reportDrops(): void {
    const total = this.counts.dropped;
    if (total === this.reportedDrops) return;
    const count = total - this.reportedDrops;
    this.reportedDrops = total;
    this.events.dropped?.(count, total);
  }
}
