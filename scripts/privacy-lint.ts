import { formatFindings, lintRegistry } from '../libs/privacy/src/lint/linter.js';
import { collectDeclarations } from './privacy-declarations.js';

/**
 * npm run privacy:lint [-- --json]
 *
 * Lints the application's processing registry (see LINT_RULES in libs/privacy/src/lint/linter.ts) and
 * prints the findings. Exit code 1 when any finding is an error, 0 otherwise (warnings do not fail CI),
 * 2 when the tool itself fails.
 */
async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== '--json');
  if (unknown.length) {
    process.stderr.write(`unknown argument(s): ${unknown.join(' ')}\nusage: privacy-lint [--json]\n`);
    return 2;
  }
  const { activities, recipients, personalDataFields } = await collectDeclarations();
  const findings = lintRegistry({ activities, recipients, personalDataFields });
  process.stdout.write(
    argv.includes('--json') ? `${JSON.stringify(findings, null, 2)}\n` : formatFindings(findings),
  );
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(
    `privacy-lint failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 2;
}
