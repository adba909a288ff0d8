import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';

const SCHEMA_DIR = join(process.cwd(), 'test/schemas/cii-d16b');
const MAIN = 'CrossIndustryInvoice_100pD16B.xsd';
const IMPORTED = [
  'CrossIndustryInvoice_QualifiedDataType_100pD16B.xsd',
  'CrossIndustryInvoice_ReusableAggregateBusinessInformationEntity_100pD16B.xsd',
  'CrossIndustryInvoice_UnqualifiedDataType_100pD16B.xsd',
];

/**
 * Validates a CII document against the UN/CEFACT D16B XSD that EN 16931 (and XRechnung, Factur-X)
 * use, with libxml2's xmllint (compiled to WebAssembly). Answers the schema errors, none when valid.
 */
export async function ciiSchemaErrors(xml: string): Promise<string[]> {
  const file = async (name: string) => ({
    fileName: name,
    contents: await readFile(join(SCHEMA_DIR, name), 'utf8'),
  });
  const result = await validateXML({
    xml: [{ fileName: 'invoice.xml', contents: xml }],
    schema: [await file(MAIN)],
    preload: await Promise.all(IMPORTED.map(file)),
  });
  return result.errors.map((e) => e.rawMessage);
}

/**
 * The elements `path` names, as plain text: `path` is a list of element names (with prefix), each a
 * child of the one before it anywhere below the root. Enough for the few business rules the tests
 * check; the XSD validation above checks the structure.
 */
export function elements(xml: string, ...path: string[]): string[] {
  let scopes = [xml];
  for (const name of path) {
    const pattern = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'g');
    scopes = scopes.flatMap((scope) => [...scope.matchAll(pattern)].map((m) => m[1]));
  }
  return scopes.map((s) => s.trim());
}

/** Sum of decimal amounts in cents (exact). */
export const cents = (values: string[]): number =>
  values.reduce((sum, v) => sum + Math.round(Number(v) * 100), 0);
