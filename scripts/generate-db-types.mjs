// Writes src/db/tables.ts, the Kysely table types, from the Prisma schemas (prisma-kysely).
// The file is committed, so a production install (`npm ci --omit=dev`) needs no Prisma at all;
// `--check` only compares, and test/unit/db-types.test.ts runs it so the file cannot drift from
// the schemas. Both providers must produce the same types (the drivers in src/db return Date,
// boolean and number on both), which is checked here too.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';
import * as prettier from 'prettier';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = join(root, 'src/db/tables.ts');
const header = `// Kysely table types, generated from prisma/*/schema.prisma by prisma-kysely:
// npm run db:types (never edit by hand; test/unit/db-types.test.ts fails when it drifts).
`;

// The schemas read `url = env("DATABASE_URL")`; a placeholder of the right shape is enough.
const placeholder = { sqlite: 'file:./data/placeholder.db', postgresql: 'postgresql://localhost/placeholder' };

async function generate(provider) {
  const schema = readFileSync(join(root, `prisma/${provider}/schema.prisma`), 'utf8');
  execFileSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate', '--config', `prisma/${provider}/prisma.config.ts`], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      // Prisma runs the generator as a shell command found on PATH.
      PATH: [join(root, 'node_modules/.bin'), process.env.PATH].join(delimiter),
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      DATABASE_URL: placeholder[provider],
      // Without a client generator Prisma 6 still looks for its native query engine (and would
      // download it); no engine runs here, so any existing file satisfies the lookup offline.
      PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
    },
  });
  const output = /output\s*=\s*"([^"]+)"/.exec(schema)?.[1];
  if (!output) throw new Error(`prisma/${provider}/schema.prisma: no generator output`);
  const generated = readFileSync(join(root, 'prisma', provider, output, 'tables.ts'), 'utf8');
  return prettier.format(header + generated, { ...(await prettier.resolveConfig(target)), filepath: target });
}

const [sqlite, postgresql] = [await generate('sqlite'), await generate('postgresql')];
if (sqlite !== postgresql) {
  console.error('prisma-kysely produces different types for SQLite and PostgreSQL: align the type overrides in the schemas');
  process.exit(1);
}
const check = process.argv.indexOf('--check');
if (check !== -1) {
  // `--check [file]`: compare with the committed file (or another, for the test of this check).
  const against = process.argv[check + 1] ?? target;
  let committed = '';
  try {
    committed = readFileSync(against, 'utf8');
  } catch {
    // missing: reported below
  }
  if (committed !== sqlite) {
    console.error(`${against} is not what the schemas generate: run npm run db:types`);
    process.exit(1);
  }
} else {
  writeFileSync(target, sqlite);
}
