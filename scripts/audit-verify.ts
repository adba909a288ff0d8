import pg from 'pg';
import { verifyAuditLog, type AuditVerification } from '../libs/privacy/src/audit/audit-chain.js';
import { withCliDatabase } from './cli-database.js';

/**
 * npm run audit:verify
 *
 * Walks the access audit log of the configured database (DATABASE_URL, or the embedded server) with the
 * same verification as GET /api/v1/admin/audit/verify and prints the verdict.
 * Exit codes: 0 the chain is intact, 1 the chain is broken, 2 the verification could not run.
 */
function verdict(result: AuditVerification & { checkpoint?: { seq: string } }): string {
  if (result.valid) {
    const from = result.checkpoint ? ` after the checkpoint sealed at seq ${result.checkpoint.seq}` : '';
    return result.head
      ? `audit log intact: ${result.rows} row(s)${from}, head seq ${result.head.seq} hash ${result.head.hash}`
      : 'audit log intact: no rows yet';
  }
  const broken = result.firstBroken!;
  return `audit log BROKEN at seq ${broken.seq}: ${broken.problem} (${result.rows} row(s) read)`;
}

const exitCode = await withCliDatabase(async (url) => {
  const client = new pg.Client({ connectionString: url, application_name: 'storefront-audit-verify' });
  try {
    await client.connect();
    const result = await verifyAuditLog((sql, params) =>
      client.query(sql, params).then((r) => r.rows as unknown[]),
    );
    process.stdout.write(`${verdict(result)}\n`);
    return result.valid ? 0 : 1;
  } catch (error) {
    process.stderr.write(
      `audit verification failed to run: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 2;
  } finally {
    await client.end().catch(() => undefined);
  }
});
process.exitCode = exitCode;
