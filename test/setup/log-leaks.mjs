// Plain JavaScript: the global teardown (outside Jest's module graph) and the tests both use it.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const IPV4 = /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/;
// Full, compressed and mapped IPv6 (at least two groups around '::', or eight groups).
const IPV6 =
  /\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b|\b(?:[0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}\b|::ffff:\d|(?<![\w:])::1\b/;
const IBAN_CANDIDATE = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;

/**
 * The names the test data uses (fixtures, simulators' buyers): a name is personal data, but no pattern
 * finds one, so the scan looks for these. Only distinctive ones: "Max" or "Martin" would also match words.
 */
export const TEST_NAMES = [
  'Mustermann',
  'Musterfrau',
  'Erika',
  'Rotmann',
  'Fehlermann',
  'Gelbmann',
  'Langsamer',
  'Jonas Weber',
  'Anna Berger',
  'Max Rotmann',
  'Renate',
  'Mallory',
  'Huber',
  'Idsonly',
  'Eingeschränkt',
  'Sim Buyer',
];

/** An IBAN whose ISO 13616 check digits are right (so an id that merely looks like one is no finding). */
function isIban(candidate) {
  const compact = candidate.replace(/ /g, '');
  if (compact.length < 15 || compact.length > 34) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

const CHECKS = [
  ['email', (line) => /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/.exec(line)?.[0]],
  ['ip', (line) => IPV4.exec(line)?.[0] ?? IPV6.exec(line)?.[0]],
  ['iban', (line) => [...line.matchAll(IBAN_CANDIDATE)].map((m) => m[0]).find(isIban)],
  [
    'token',
    (line) =>
      // The shop's signed tokens (JWT-shaped), bearer credentials, Stripe secrets and client secrets.
      /eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}/.exec(line)?.[0] ??
      /\bBearer [A-Za-z0-9._~+/=-]{12,}/.exec(line)?.[0] ??
      /\b(?:sk|rk)_(?:test|live)_[A-Za-z0-9_]{8,}|whsec_[A-Za-z0-9_]{8,}|_secret_[A-Za-z0-9]{8,}/.exec(
        line,
      )?.[0],
  ],
  [
    'name',
    (line) => TEST_NAMES.find((name) => new RegExp(`(?<![\\p{L}])${name}(?![\\p{L}])`, 'u').test(line)),
  ],
];

/** The personal data found in one log line: `[{ kind, match }]`, empty when there is none. */
export function findPersonalData(line) {
  const findings = [];
  for (const [kind, check] of CHECKS) {
    const match = check(line);
    if (match) findings.push({ kind, match });
  }
  return findings;
}

/** Scans every file of the capture folder: how many lines, and each finding with its file and line. */
export async function scanCapture(dir) {
  let files;
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.ndjson'));
  } catch {
    return { files: 0, lines: 0, findings: [] };
  }
  let lines = 0;
  const findings = [];
  for (const file of files.sort()) {
    const text = await readFile(path.join(dir, file), 'utf8');
    for (const line of text.split('\n')) {
      if (!line) continue;
      lines += 1;
      for (const finding of findPersonalData(line)) findings.push({ file, line, ...finding });
    }
  }
  return { files: files.length, lines, findings };
}
