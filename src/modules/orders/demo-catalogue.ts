export interface DemoProduct {
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  vatRateBp: 1900 | 700;
  stock: number;
  /** Grams per piece as shipped. */
  weightGrams: number;
}

/** The demo catalogue of `npm run seed` and of the first start on the embedded database. */
export const DEMO_CATALOGUE: readonly DemoProduct[] = [
  {
    sku: 'DV-PRO-2',
    name: 'DermaView Pro 2 skin analysis device',
    description:
      'Practice device for skin analysis: polarised and UV imaging at 12 megapixels, pore, pigment and wrinkle ' +
      'maps, with analysis software for Windows and macOS.',
    priceCents: 249_900,
    vatRateBp: 1900,
    stock: 25,
    weightGrams: 4200,
  },
  {
    sku: 'DV-GO',
    name: 'DermaView Go handheld skin scanner',
    description: 'Handheld skin scanner with 30x magnification and app connection over Bluetooth.',
    priceCents: 89_900,
    vatRateBp: 1900,
    stock: 60,
    weightGrams: 450,
  },
  {
    sku: 'DV-LENS-UV',
    name: 'UV polarisation lens attachment',
    description: 'Clip-on lens for the DermaView Go: cross-polarised and UV-A light for pigment analysis.',
    priceCents: 14_900,
    vatRateBp: 1900,
    stock: 120,
    weightGrams: 120,
  },
  {
    sku: 'DV-STAND-RL',
    name: 'Tabletop stand with ring light',
    description: 'Height-adjustable stand with a dimmable LED ring light for reproducible face images.',
    priceCents: 7_900,
    vatRateBp: 1900,
    stock: 80,
    weightGrams: 2600,
  },
  {
    sku: 'DV-CAL-KIT',
    name: 'Colour calibration card set',
    description: 'Set of 5 reference cards to calibrate colour and white balance before each session.',
    priceCents: 2_490,
    vatRateBp: 1900,
    stock: 300,
    weightGrams: 300,
  },
  {
    sku: 'DV-CAPS-100',
    name: 'Disposable hygiene caps, pack of 100',
    description: 'Single-use caps for the lens head of DermaView devices, individually packed.',
    priceCents: 1_990,
    vatRateBp: 1900,
    stock: 500,
    weightGrams: 800,
  },
  {
    sku: 'DV-CASE',
    name: 'Protective carrying case',
    description: 'Padded hard case for the DermaView Go and its accessories.',
    priceCents: 3_990,
    vatRateBp: 1900,
    stock: 150,
    weightGrams: 900,
  },
  {
    sku: 'BOOK-SKIN-ATLAS',
    name: 'Atlas of skin analysis (printed handbook)',
    description: 'Printed reference handbook, 320 pages: reading skin images, with 400 annotated examples.',
    priceCents: 4_900,
    vatRateBp: 700,
    stock: 200,
    weightGrams: 1400,
  },
];

/**
 * Writes the demo catalogue (through an EntityManager or a pg client, in the caller's transaction), upserting by SKU: new products are inserted; existing ones get the
 * demo texts, price and VAT rate back, and keep their stock unless `resetStock`. Returns how many
 * rows were inserted and updated.
 */
export async function upsertDemoCatalogue(
  db: { query(sql: string, params: unknown[]): Promise<unknown> },
  options: { resetStock: boolean },
): Promise<{ inserted: number; updated: number }> {
  const rows = (await db.query(
    `insert into product (sku, name, description, price_cents, currency, vat_rate_bp, stock, weight_grams)
     select d.sku, d.name, d.description, d.price_cents, 'EUR', d.vat_rate_bp, d.stock, d.weight_grams
       from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $8::int[])
         as d(sku, name, description, price_cents, vat_rate_bp, stock, weight_grams)
     on conflict (sku) do update set
       name = excluded.name,
       description = excluded.description,
       price_cents = excluded.price_cents,
       vat_rate_bp = excluded.vat_rate_bp,
       weight_grams = excluded.weight_grams,
       stock = case when $7 then excluded.stock else product.stock end,
       updated_at = now()
     returning (xmax = 0) as inserted`,
    [
      DEMO_CATALOGUE.map((p) => p.sku),
      DEMO_CATALOGUE.map((p) => p.name),
      DEMO_CATALOGUE.map((p) => p.description),
      DEMO_CATALOGUE.map((p) => p.priceCents),
      DEMO_CATALOGUE.map((p) => p.vatRateBp),
      DEMO_CATALOGUE.map((p) => p.stock),
      options.resetStock,
      DEMO_CATALOGUE.map((p) => p.weightGrams),
    ],
  )) as { inserted: boolean }[];
  const inserted = rows.filter((r) => r.inserted).length;
  return { inserted, updated: rows.length - inserted };
}
