// SQLite has one connection per process (src/db/sqlite-dialect.ts): a transaction holds it from
// BEGIN IMMEDIATE to COMMIT/ROLLBACK, so no other request's statement runs inside it, a failed
// COMMIT never wedges later queries, and a second process waits for the write lock instead of
// failing. On PostgreSQL every transaction has its own pooled connection (scripts/run-tests.mjs
// runs sqlite-* files in the SQLite phase only).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { sqlitePath } from '../../src/db/provider.js';

const skip = process.env.EPISTLE_TEST_DB === 'postgresql' ? 'SQLite-specific' : false;
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function fresh(): Promise<{ url: string; database: Database }> {
  const dir = mkdtempSync(join(tmpdir(), 'tx-'));
  dirs.push(dir);
  const url = `file:${join(dir, 'x.db')}`;
  await migrate(url);
  return { url, database: await openDatabase(url) };
}

const site = (id: string) => ({ id, name: id, createdAt: new Date() });
const siteIds = async (database: Database) => (await database.db.selectFrom('Site').select('id').orderBy('id').execute()).map((s) => s.id);

test('a write made while another transaction is open survives that transaction rolling back', { skip }, async () => {
  const { database } = await fresh();
  const { db } = database;
  await db.insertInto('Site').values(site('s')).execute();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const tx = db
    .transaction()
    .execute(async (t) => {
      await t.insertInto('Site').values(site('in-tx')).execute();
      await gate;
      throw new Error('rollback');
    })
    .catch(() => 'rolled back');
  await new Promise((r) => setTimeout(r, 20));
  const outside = db.insertInto('Site').values(site('outside')).execute();
  setTimeout(release, 20);
  await outside;
  assert.equal(await tx, 'rolled back');
  assert.deepEqual(await siteIds(database), ['outside', 's']);
  await database.close();
});

test('a COMMIT refused by a deferred foreign key rolls back and the next queries run', { skip }, async () => {
  const { database } = await fresh();
  const { db } = database;
  await db.insertInto('Site').values(site('s')).execute();
  const failed = db.transaction().execute(async (t) => {
    // Checked at COMMIT instead of at the INSERT: the COMMIT itself fails.
    await sql`PRAGMA defer_foreign_keys = ON`.execute(t);
    await t.insertInto('Site').values(site('written-in-failed-tx')).execute();
    await t.insertInto('Page').values({ siteId: 'no-such-site', url: 'https://x.test/', createdAt: new Date() }).execute();
  });
  // Queued behind the transaction; must run after it, outside it.
  const after = db.insertInto('Site').values(site('after')).execute();
  await assert.rejects(failed, /FOREIGN KEY/);
  await after;
  assert.deepEqual(await siteIds(database), ['after', 's']);
  assert.equal((await db.selectFrom('Page').select('id').execute()).length, 0);
  // And a later transaction works as usual.
  await db.transaction().execute((t) => t.insertInto('Site').values(site('later')).execute());
  assert.deepEqual(await siteIds(database), ['after', 'later', 's']);
  await database.close();
});

test('a write waits for another process holding the write lock (busy_timeout) instead of failing', { skip }, async () => {
  const { url, database } = await fresh();
  // Another process takes the write lock, says so, and keeps it for 300 ms.
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `const db = new (require('better-sqlite3'))(process.argv[1]);
       db.exec('BEGIN IMMEDIATE');
       db.prepare("INSERT INTO \\"Site\\" (id, name, \\"createdAt\\") VALUES ('other', 'o', '2026-01-01T00:00:00.000+00:00')").run();
       process.stdout.write('locked\\n');
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
       db.exec('COMMIT');`,
      sqlitePath(url),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
  const started = Date.now();
  await database.db.transaction().execute((t) => t.insertInto('Site').values(site('mine')).execute());
  assert.ok(Date.now() - started >= 150, 'it waited for the other process');
  assert.deepEqual(await siteIds(database), ['mine', 'other']);
  await new Promise((resolve) => holder.once('exit', resolve));
  await database.close();
});
