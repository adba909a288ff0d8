import Bowser from 'bowser';

export interface ClientSoftware {
  browserName: string | null;
  browserVersion: string | null;
  osName: string | null;
  osVersion: string | null;
}

const NONE: ClientSoftware = { browserName: null, browserVersion: null, osName: null, osVersion: null };
/** Longer User-Agent strings are cut before parsing: bounds the parser's work on hostile input. */
const MAX_USER_AGENT = 512;
const text = (s: string | undefined, max = 64): string | null => (s ? s.slice(0, max) : null);

/**
 * Browser and operating system from the User-Agent header, parsed with bowser (maintained, MIT).
 * Only the parsed names and versions are stored, never the raw header (it can carry more than
 * browser and OS: device models, app build ids). Most traffic repeats a few hundred strings, so the
 * results are cached; parsing happens in the log's flusher, never on the request path.
 */
export class UserAgentParser {
  private readonly cache = new Map<string, ClientSoftware>();

  constructor(private readonly cacheSize = 1000) {}

  /** How many distinct strings are cached (bounded by the cache size). */
  get cached(): number {
    return this.cache.size;
  }

  parse(userAgent: string | undefined): ClientSoftware {
    if (!userAgent || !userAgent.trim()) return NONE;
    const ua = userAgent.slice(0, MAX_USER_AGENT);
    const cached = this.cache.get(ua);
    if (cached) return cached;
    const parsed = this.parseUncached(ua);
    if (this.cache.size >= this.cacheSize) this.cache.clear();
    this.cache.set(ua, parsed);
    return parsed;
  }

  private parseUncached(ua: string): ClientSoftware {
    try {
      const { browser, os } = Bowser.parse(ua);
      return {
        browserName: text(browser.name),
        browserVersion: text(browser.version),
        osName: text(os.name),
        osVersion: text(os.versionName ?? os.version),
      };
    } catch {
      return NONE;
    }
  }
}
