// Only the configured provider's driver is loaded (issue 8: load only what is used), and no Prisma
// at run time. Checked in a fresh process, since this one has loaded both for its helpers.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, testProvider, type TestDatabase } from '../support/database.js';

let database: TestDatabase | undefined;
after(() => database?.drop());

const probe = `
import { createRequire } from 'node:module';
const { migrate } = await import('./src/db/migrate.ts');
const { openDatabase } = await import('./src/db/client.ts');
await migrate(process.argv[1]);
const d = await openDatabase(process.argv[1]);
await d.ping();
await d.close();
const loaded = Object.keys(createRequire(import.meta.url).cache);
const has = (part) => loaded.some((k) => k.includes(part));
process.stdout.write(JSON.stringify({ pg: has('/node_modules/pg/'), sqlite: has('/node_modules/better-sqlite3/'), prisma: has('prisma') }));
`;

test(`a ${testProvider} database loads its own driver only, and nothing of Prisma`, async () => {
  database = await createTestDatabase();
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe, database.url], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    encoding: 'utf8',
  });
  assert.deepEqual(JSON.parse(out), { pg: testProvider === 'postgresql', sqlite: testProvider === 'sqlite', prisma: false });
});
