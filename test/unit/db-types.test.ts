// src/db/tables.ts is committed (production installs have no Prisma to generate it): it must be
// exactly what prisma-kysely generates from the schemas, and the same for both providers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tables = join(root, 'src/db/tables.ts');
const check = (...file: string[]) =>
  spawnSync(process.execPath, ['scripts/generate-db-types.mjs', '--check', ...file], { cwd: root, encoding: 'utf8' });

test('src/db/tables.ts is what the Prisma schemas generate', () => {
  const result = check();
  assert.equal(result.status, 0, result.stderr);
});

test('the check fails when the types differ from the schemas', () => {
  const dir = mkdtempSync(join(tmpdir(), 'epistle-types-'));
  try {
    const edited = join(dir, 'tables.ts');
    writeFileSync(edited, readFileSync(tables, 'utf8').replace('  body: string;', '  body: string | null;'));
    const result = check(edited);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /npm run db:types/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
