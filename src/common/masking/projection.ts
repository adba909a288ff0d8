/**
 * Projects a value onto an allow-list of field paths, the heart of field masking by role.
 *
 * Paths are dotted property names; arrays are transparent (`addresses.street` is the street of every
 * address). A path allows its field and everything under it (`deliveryAddress` allows the whole
 * address); a field no path names or leads to is removed, at any depth. So the policy lists leaves
 * wherever a parent holds something one role must not see.
 */

export interface Projection<T = unknown> {
  value: T;
  /** The paths of the fields actually kept, sorted and without duplicates (for the audit log). */
  fields: string[];
}

/** A JSON leaf for our purposes: anything that is not a plain record or an array. */
const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  !(v instanceof Date) &&
  !Buffer.isBuffer(v) &&
  !ArrayBuffer.isView(v);

/** The allow-list compiled once per call: exact paths, and every proper prefix of one. */
class AllowList {
  private readonly exact: ReadonlySet<string>;
  private readonly prefixes: ReadonlySet<string>;

  constructor(paths: readonly string[]) {
    this.exact = new Set(paths);
    const prefixes = new Set<string>();
    for (const p of paths) {
      const parts = p.split('.');
      for (let i = 1; i < parts.length; i++) prefixes.add(parts.slice(0, i).join('.'));
    }
    this.prefixes = prefixes;
  }

  allows(path: string): boolean {
    return this.exact.has(path);
  }

  leadsInto(path: string): boolean {
    return this.prefixes.has(path);
  }
}

/** Every leaf path under `value` (arrays transparent): what an allowed subtree puts on the wire. */
function leafPaths(value: unknown, path: string, out: Set<string>): void {
  if (Array.isArray(value)) {
    if (value.length === 0) out.add(path);
    for (const item of value) leafPaths(item, path, out);
    return;
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) out.add(path);
    for (const [key, v] of entries) leafPaths(v, `${path}.${key}`, out);
    return;
  }
  out.add(path);
}

function projectAt(value: unknown, path: string, allow: AllowList, fields: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => projectAt(item, path, allow, fields));
  if (!isRecord(value)) return undefined; // a leaf where the policy expects a record: not allowed
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const childPath = path ? `${path}.${key}` : key;
    if (allow.allows(childPath)) {
      out[key] = v;
      leafPaths(v, childPath, fields);
    } else if (allow.leadsInto(childPath) && v !== null) {
      const below = new Set<string>();
      const projected = projectAt(v, childPath, allow, below);
      if (projected === undefined) continue;
      out[key] = projected;
      // An empty list or record still went out under its name (and says "none").
      if (below.size === 0) below.add(childPath);
      below.forEach((f) => fields.add(f));
    }
  }
  return out;
}

/**
 * The part of `value` (a record, or an array of records) that `allowed` lets through, and the paths
 * of the fields it holds. The input is not modified.
 */
export function project<T>(value: T, allowed: readonly string[]): Projection<Partial<T>> {
  const fields = new Set<string>();
  const projected = projectAt(value, '', new AllowList(allowed), fields);
  return { value: projected ?? {}, fields: [...fields].sort() };
}
