import { strToU8, zipSync } from 'fflate';
import type { JsonObject, JsonValue } from '@app/privacy';

export interface PortableRecord {
  recordType: string;
  recordId: string;
  activityId: string;
  data: JsonObject;
}

/** The leaf paths of a record's data, `a.b`; arrays stay one cell (JSON). */
function flatten(value: JsonValue, prefix: string, out: Record<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, out);
    return;
  }
  out[prefix] = value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** RFC 4180 quoting, and a leading quote before what a spreadsheet would run as a formula. */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV per record type: a column per leaf path, a row per record. */
export function toCsv(records: readonly PortableRecord[]): string {
  const rows = records.map((r) => {
    const flat: Record<string, string> = { recordId: r.recordId, activity: r.activityId };
    flatten(r.data, '', flat);
    return flat;
  });
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return [columns, ...rows.map((r) => columns.map((c) => r[c] ?? ''))]
    .map((line) => line.map(cell).join(','))
    .join('\r\n')
    .concat('\r\n');
}

const README = `Your data from the shop (Art. 20 GDPR)

data.json  every record you provided, as JSON (UTF-8)
<type>.csv the same records, one file per kind of record, one column per field (UTF-8, comma-separated)

Dates are ISO 8601 in UTC. Amounts are in minor units (cents) with their currency.
`;

/**
 * The Art. 20 copy as a ZIP of JSON and CSV (fflate: small, maintained, no dependencies, pure
 * JavaScript). Entries carry a fixed date so the same data gives the same bytes.
 */
export function portabilityArchive(generatedAt: Date, records: readonly PortableRecord[]): Uint8Array {
  const byType = new Map<string, PortableRecord[]>();
  for (const r of records) byType.set(r.recordType, [...(byType.get(r.recordType) ?? []), r]);
  const mtime = new Date('2000-01-01T00:00:00Z');
  const files: Record<string, [Uint8Array, { mtime: Date }]> = {
    'README.txt': [strToU8(README), { mtime }],
    'data.json': [
      strToU8(JSON.stringify({ generatedAt: generatedAt.toISOString(), records }, null, 2)),
      { mtime },
    ],
  };
  for (const [type, list] of byType) {
    files[`${type.replace(/[^a-z0-9_-]/gi, '_')}.csv`] = [strToU8(toCsv(list)), { mtime }];
  }
  return zipSync(files, { level: 6 });
}
