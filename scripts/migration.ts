import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { runMigrations, revertLastMigration } from '../src/database/migrate.js';
import { typeOrmOptions } from '../src/database/typeorm-options.js';
import { withCliDatabase } from './cli-database.js';

/**
 * npm run migration:run | migration:revert | migration:generate -- <Name>
 *
 * `generate` compares the entities of the whole application with the migrated database and writes
 * a new migration into migrations/ (add it to migrations/index.ts). The entities are found by
 * booting the application module, so no list of entities is kept by hand.
 */
async function generate(url: string, name: string): Promise<void> {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name))
    throw new Error('migration name must be PascalCase letters and digits');
  await runMigrations(url);
  const { entities } = await import('./entities.js');
  const dataSource = new DataSource({
    ...typeOrmOptions({ url, poolSize: 2 }),
    entities: await entities(url),
  });
  await dataSource.initialize();
  try {
    const sql = await dataSource.driver.createSchemaBuilder().log();
    if (sql.upQueries.length === 0) {
      process.stdout.write('no changes: the entities match the database\n');
      return;
    }
    const timestamp = Date.now();
    const className = `${name}${timestamp}`;
    const q = (s: string): string => JSON.stringify(s);
    const up = sql.upQueries.map(
      (x) =>
        `    await q.query(${q(x.query)}${x.parameters?.length ? `, ${JSON.stringify(x.parameters)}` : ''});`,
    );
    const down = sql.downQueries
      .reverse()
      .map(
        (x) =>
          `    await q.query(${q(x.query)}${x.parameters?.length ? `, ${JSON.stringify(x.parameters)}` : ''});`,
      );
    const file = path.resolve(
      'migrations',
      `${timestamp}-${name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}.ts`,
    );
    await writeFile(
      file,
      `import type { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${className} implements MigrationInterface {\n  name = '${className}';\n\n  async up(q: QueryRunner): Promise<void> {\n${up.join('\n')}\n  }\n\n  async down(q: QueryRunner): Promise<void> {\n${down.join('\n')}\n  }\n}\n`,
    );
    process.stdout.write(
      `wrote ${path.relative(process.cwd(), file)}: add ${className} to migrations/index.ts\n`,
    );
  } finally {
    await dataSource.destroy();
  }
}

const [command, name] = process.argv.slice(2);
await withCliDatabase(async (url) => {
  switch (command) {
    case 'run': {
      const applied = await runMigrations(url);
      process.stdout.write(
        `${applied.length} migration(s) applied${applied.length ? `: ${applied.map((m) => m.name).join(', ')}` : ''}\n`,
      );
      break;
    }
    case 'revert':
      await revertLastMigration(url);
      process.stdout.write('reverted the last migration\n');
      break;
    case 'generate':
      if (!name) throw new Error('usage: npm run migration:generate -- <Name>');
      await generate(url, name);
      break;
    default:
      throw new Error('usage: migration.js run|revert|generate <Name>');
  }
});
