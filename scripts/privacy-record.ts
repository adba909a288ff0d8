import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { lintRegistry } from '../libs/privacy/src/lint/linter.js';
import { renderArt30Record, type Art30Format } from '../libs/privacy/src/record/art30-record.js';
import { collectDeclarations } from './privacy-declarations.js';

/**
 * npm run privacy:record [-- --format=json|md|html] [--out <file>]
 *
 * Prints the record of processing activities (Art. 30(1) GDPR) generated from the application's
 * declarations, in Markdown by default, to stdout or into a file. The versions and content hashes of the
 * stored declarations live in the database; this tool reads only the code, so it leaves them out (the
 * admin route GET /api/v1/admin/privacy/record includes them).
 */
const USAGE = 'usage: privacy-record [--format=json|md|html] [--out <file>]\n';
const FORMATS: readonly Art30Format[] = ['json', 'md', 'html'];
const isFormat = (s: string): s is Art30Format => (FORMATS as readonly string[]).includes(s);

async function main(argv: string[]): Promise<number> {
  let values: { format?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        format: { type: 'string', default: 'md' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const format = values.format ?? 'md';
  if (!isFormat(format)) {
    process.stderr.write(`unknown format "${format}"\n${USAGE}`);
    return 2;
  }

  const { controller, activities, recipients, personalDataFields } = await collectDeclarations();
  const errors = lintRegistry({ activities, recipients, personalDataFields }).filter(
    (f) => f.severity === 'error',
  );
  if (errors.length)
    process.stderr.write(
      `warning: the registry has ${errors.length} lint error(s); the record documents it as declared. ` +
        `Run npm run privacy:lint.\n`,
    );

  const document = renderArt30Record({ controller, activities, recipients, generatedAt: new Date() }, format);
  if (values.out) {
    await writeFile(values.out, document, 'utf8');
    process.stderr.write(`wrote the Art. 30 record (${format}) to ${values.out}\n`);
  } else process.stdout.write(document);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(
    `privacy-record failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 2;
}
