import { describe, expect, it } from '@jest/globals';
import { LineBuffer } from './line-buffer.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the access log buffer', () => {
  it('writes lines in batches of at most batchSize, in order', async () => {
    const batches: number[][] = [];
    const buffer = new LineBuffer<number>(
      (batch) => {
        batches.push(batch);
        return Promise.resolve();
      },
      { maxBuffered: 100, batchSize: 4, flushIntervalMs: 60_000 },
    );
    for (let i = 1; i <= 10; i++) buffer.push(i);
    await buffer.flush();
    expect(batches).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10],
    ]);
    expect(buffer.stats()).toEqual({ written: 10, dropped: 0, failedWrites: 0 });
  });

  it('never writes on the pusher\u2019s call stack, but writes a full batch without waiting for the interval', async () => {
    const written: number[] = [];
    const buffer = new LineBuffer<number>(
      (batch) => {
        written.push(...batch);
        return Promise.resolve();
      },
      { maxBuffered: 100, batchSize: 3, flushIntervalMs: 60_000 },
    );
    buffer.push(1);
    buffer.push(2);
    buffer.push(3);
    expect(written).toEqual([]);
    await tick();
    await tick();
    expect(written).toEqual([1, 2, 3]);
  });

  it('drops and counts lines instead of growing when the database is down, and writes the kept ones later', async () => {
    let up = false;
    const written: number[] = [];
    const errors: number[] = [];
    const drops: [number, number][] = [];
    const buffer = new LineBuffer<number>(
      (batch) => {
        if (!up) return Promise.reject(new Error('connection refused'));
        written.push(...batch);
        return Promise.resolve();
      },
      { maxBuffered: 5, batchSize: 2, flushIntervalMs: 60_000 },
      {
        writeFailed: (_error, lines) => errors.push(lines),
        dropped: (count, total) => drops.push([count, total]),
      },
    );
    for (let i = 1; i <= 8; i++) buffer.push(i);
    expect(buffer.size).toBe(5);
    await buffer.flush();
    expect(buffer.size).toBe(5);
    expect(errors).toEqual([2]);
    expect(buffer.stats()).toMatchObject({ dropped: 3, failedWrites: 1, written: 0 });
    expect(drops).toEqual([[3, 3]]);

    up = true;
    await buffer.flush();
    expect(written).toEqual([1, 2, 3, 4, 5]);
    expect(buffer.size).toBe(0);
    expect(drops).toEqual([[3, 3]]);
  });

  it('writes what is left when stopped', async () => {
    const written: string[] = [];
    const buffer = new LineBuffer<string>(
      (batch) => {
        written.push(...batch);
        return Promise.resolve();
      },
      { maxBuffered: 10, batchSize: 10, flushIntervalMs: 60_000 },
    );
    buffer.start();
    buffer.push('a');
    buffer.push('b');
    await buffer.stop();
    expect(written).toEqual(['a', 'b']);
  });

  it('serialises concurrent flushes: every line is written exactly once', async () => {
    const written: number[] = [];
    const buffer = new LineBuffer<number>(
      async (batch) => {
        await tick();
        written.push(...batch);
      },
      { maxBuffered: 100, batchSize: 2, flushIntervalMs: 60_000 },
    );
    for (let i = 0; i < 9; i++) buffer.push(i);
    await Promise.all([buffer.flush(), buffer.flush(), buffer.flush()]);
    expect(written).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
