/**
 * The module map (docs/modules.md): which module depends on which (through index.ts imports), which tables
 * each module owns, and where a module still names another module's table in its SQL.
 *
 * `npm run docs:modules` rewrites docs/modules.md; scripts/module-map.spec.ts keeps the list of
 * cross-module table reads from growing (see docs/architecture.md, "Modules own their tables").
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

export interface ModuleInfo {
  name: string;
  /** Other modules this one imports (only through their index.ts; the lint rule enforces it). */
  dependsOn: string[];
  /** Tables this module creates and writes: the tables it owns. */
  owns: string[];
}

export interface ForeignTableUse {
  module: string;
  table: string;
  owner: string;
  file: string;
}

export interface ModuleMap {
  modules: ModuleInfo[];
  foreign: ForeignTableUse[];
}

const SQL_TABLE = /\b(?:from|join|into|update|delete\s+from|table)\s+"?([a-z_][a-z0-9_]*)"?/gi;
const ENTITY = /@Entity\(\s*(?:\{\s*name:\s*)?'([a-z_][a-z0-9_]*)'/g;
const WRITE = /\b(?:insert\s+into|update|delete\s+from)\s+"?([a-z_][a-z0-9_]*)"?/gi;
const MODULE_IMPORT = /from\s+'(?:\.\.\/)+(?:modules\/)?([a-z0-9-]+)\/index\.js'/g;

const STRING_LITERAL = /`([^`]*)`|'((?:[^'\\\n]|\\.)*)'/g;
const SQL_VERB = /\b(?:select|insert|update|delete)\b/i;

/** The SQL in a source file: its string literals that contain a statement verb (prose is left out). */
function sqlOf(text: string): string {
  const parts: string[] = [];
  for (const m of text.matchAll(STRING_LITERAL)) {
    const literal = m[1] ?? m[2] ?? '';
    if (SQL_VERB.test(literal)) parts.push(literal);
  }
  return parts.join('\n');
}

/** Tables shared by design: infrastructure every module may use through its own helper. */
const SHARED_TABLES = new Set(['app_secret']);

function files(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...files(path));
    else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) out.push(path);
  }
  return out;
}

function migrationTables(root: string): Set<string> {
  const tables = new Set<string>();
  for (const file of files(join(root, 'migrations'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(
      /create\s+table\s+(?:if\s+not\s+exists\s+)?"?([a-z_][a-z0-9_]*)"?/gi,
    )) {
      tables.add(m[1].toLowerCase());
    }
  }
  return tables;
}

export function buildModuleMap(root: string): ModuleMap {
  const tables = migrationTables(root);
  const modulesDir = join(root, 'src', 'modules');
  const names = readdirSync(modulesDir)
    .filter((n) => statSync(join(modulesDir, n)).isDirectory())
    .sort();
  const sources = new Map(
    names.map((n) => [n, files(join(modulesDir, n)).map((f) => [f, readFileSync(f, 'utf8')] as const)]),
  );

  // Owner: the module that declares the entity, else the only module that writes the table.
  const owner = new Map<string, string>();
  for (const [name, texts] of sources) {
    for (const [, text] of texts) for (const m of text.matchAll(ENTITY)) owner.set(m[1], name);
  }
  const writers = new Map<string, Set<string>>();
  for (const [name, texts] of sources) {
    for (const [, text] of texts) {
      for (const m of sqlOf(text).matchAll(WRITE)) {
        const table = m[1].toLowerCase();
        if (!tables.has(table)) continue;
        writers.set(table, (writers.get(table) ?? new Set()).add(name));
      }
    }
  }
  for (const [table, mods] of writers)
    if (!owner.has(table) && mods.size === 1) owner.set(table, [...mods][0]);

  const modules: ModuleInfo[] = [];
  const foreign: ForeignTableUse[] = [];
  for (const [name, texts] of sources) {
    const deps = new Set<string>();
    for (const [file, text] of texts) {
      for (const m of text.matchAll(MODULE_IMPORT)) if (m[1] !== name && names.includes(m[1])) deps.add(m[1]);
      const seen = new Set<string>();
      for (const m of sqlOf(text).matchAll(SQL_TABLE)) {
        const table = m[1].toLowerCase();
        const tableOwner = owner.get(table);
        if (
          !tables.has(table) ||
          SHARED_TABLES.has(table) ||
          !tableOwner ||
          tableOwner === name ||
          seen.has(table)
        )
          continue;
        seen.add(table);
        foreign.push({ module: name, table, owner: tableOwner, file: relative(root, file) });
      }
    }
    modules.push({
      name,
      dependsOn: [...deps].sort(),
      owns: [...owner]
        .filter(([, o]) => o === name)
        .map(([t]) => t)
        .sort(),
    });
  }
  foreign.sort((a, b) => `${a.module}${a.table}${a.file}`.localeCompare(`${b.module}${b.table}${b.file}`));
  return { modules, foreign };
}

export function renderModuleMap(map: ModuleMap): string {
  const id = (n: string) => n.replace(/-/g, '_');
  const lines = [
    '# Module map',
    '',
    'Generated by `npm run docs:modules` from the source (scripts/module-map.ts); do not edit by hand.',
    'How the modules are meant to relate is in [architecture.md](architecture.md).',
    '',
    '```mermaid',
    'flowchart LR',
    ...map.modules.map((m) => `  ${id(m.name)}[${m.name}]`),
    ...map.modules.flatMap((m) => m.dependsOn.map((d) => `  ${id(m.name)} --> ${id(d)}`)),
    '```',
    '',
    '| module | depends on (through index.ts) | owns tables |',
    '|---|---|---|',
    ...map.modules.map(
      (m) =>
        `| ${m.name} | ${m.dependsOn.join(', ') || '–'} | ${m.owns.map((t) => `\`${t}\``).join(', ') || '–'} |`,
    ),
    '',
    '## Tables read across a module boundary',
    '',
    map.foreign.length === 0
      ? 'None: every module reads only its own tables.'
      : "These SQL statements still name another module's table. They are the known debt the boundary work " +
        'removes one by one; `scripts/module-map.spec.ts` fails when a new one appears.',
    '',
    ...(map.foreign.length === 0
      ? []
      : [
          '| module | reads | owned by | where |',
          '|---|---|---|---|',
          ...map.foreign.map((f) => `| ${f.module} | \`${f.table}\` | ${f.owner} | ${basename(f.file)} |`),
        ]),
    '',
  ];
  return lines.join('\n');
}

const isMain = process.argv[1] !== undefined && basename(process.argv[1]).startsWith('module-map');
if (isMain) {
  const root = process.cwd();
  writeFileSync(join(root, 'docs', 'modules.md'), renderModuleMap(buildModuleMap(root)));
  console.log('wrote docs/modules.md');
}
