import pg from 'pg';
import { runMigrations } from '../src/database/migrate.js';
import { DEMO_CATALOGUE, upsertDemoCatalogue } from '../src/modules/orders/demo-catalogue.js';
import { withCliDatabase } from './cli-database.js';

/**
 * npm run seed [-- --reset]
 *
 * Migrates the configured database (DATABASE_URL, or the embedded server) and writes the demo
 * catalogue: skin-analysis devices, accessories and consumables at 19 % VAT, a printed handbook at
 * 7 %. Idempotent: products are upserted by SKU; the stock of existing products is kept unless
 * `--reset` sets it back to the demo quantities.
 * Exit codes: 0 done, 2 the seed could not run (bad arguments, database error).
 */
const USAGE = 'usage: seed [--reset]\n';

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== '--reset');
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument(s): ${unknown.join(' ')}\n${USAGE}`);
    return 2;
  }
  const resetStock = argv.includes('--reset');
  return withCliDatabase(async (url) => {
    await runMigrations(url);
    const client = new pg.Client({ connectionString: url, application_name: 'storefront-seed' });
    await client.connect();
    try {
      await client.query('begin');
      const { inserted, updated } = await upsertDemoCatalogue(
        { query: async (sql, params) => (await client.query(sql, params)).rows as unknown },
        { resetStock },
      );
      await client.query('commit');
      process.stdout.write(
        `demo catalogue: ${DEMO_CATALOGUE.length} products, ${inserted} added, ${updated} updated` +
          `${resetStock ? ' (stock reset)' : ' (stock of existing products kept)'}\n`,
      );
      return 0;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      await client.end();
    }
  });
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
