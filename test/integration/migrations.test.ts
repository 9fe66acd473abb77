// Epistle applies its committed SQL migrations itself (at start and by `epistle migrate`): in order,
// each in a transaction with its record, once. Runs on SQLite, and on PostgreSQL when
// EPISTLE_TEST_DB=postgresql.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { MigrationError, migrate, readMigrations } from '../../src/db/migrate.js';
import { providerOf, sqlitePath } from '../../src/db/provider.js';
import { createTestDatabase, testProvider, type TestDatabase } from '../support/database.js';

const committedRoot = fileURLToPath(new URL('../../prisma/', import.meta.url));
const committed = readMigrations(testProvider).map((m) => m.name);

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function freshDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  cleanups.push(() => db.drop());
  return db;
}

/** Runs SQL on either provider; returns the rows of the last statement when it is a query. */
async function sql(url: string, text: string): Promise<Array<Record<string, unknown>>> {
  if (providerOf(url) === 'sqlite') {
    const db = new Database(sqlitePath(url));
    try {
      const statement = db.prepare(text);
      if (statement.reader) return statement.all() as Array<Record<string, unknown>>;
      statement.run();
      return [];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}

async function tables(url: string): Promise<string[]> {
  const rows =
    providerOf(url) === 'sqlite'
      ? await sql(url, `SELECT name FROM sqlite_master WHERE type = 'table'`)
      : await sql(url, `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`);
  return rows.map((r) => String(r.name)).sort();
}

async function recorded(url: string): Promise<string[]> {
  return (await sql(url, 'SELECT name FROM "_epistle_migrations" ORDER BY name')).map((r) => String(r.name));
}

/** A migrations root holding copies of the first `count` committed migrations of this provider. */
function migrationsRoot(count: number): { root: string; dir: string } {
  const root = mkdtempSync(join(tmpdir(), 'epistle-migrations-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, testProvider, 'migrations');
  mkdirSync(dir, { recursive: true });
  for (const name of committed.slice(0, count))
    cpSync(join(committedRoot, testProvider, 'migrations', name), join(dir, name), { recursive: true });
  return { root, dir };
}

function addMigration(dir: string, name: string, text: string): void {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, 'migration.sql'), text);
}

describe(`migrations on ${testProvider}`, () => {
  test('an empty database gets every migration, in order, recorded; a second run applies nothing', async () => {
    assert.ok(committed.length >= 2, 'the committed migrations are found');
    const { url } = await freshDatabase();
    const first = await migrate(url);
    assert.deepEqual(first, { applied: committed, alreadyApplied: [] });
    assert.deepEqual(await recorded(url), committed);
    const present = await tables(url);
    for (const table of ['Site', 'Page', 'Comment', 'RateLimit', 'Outbox', 'ProcessedMail', 'JobLease']) {
      assert.ok(present.includes(table), `table ${table} exists (found ${present.join(', ')})`);
    }
    const second = await migrate(url);
    assert.deepEqual(second, { applied: [], alreadyApplied: committed });
    assert.deepEqual(await recorded(url), committed);
  });

  test('a failing migration is rolled back entirely, named in the error, and applied once fixed', async () => {
    const { url } = await freshDatabase();
    const { root, dir } = migrationsRoot(committed.length);
    const name = `${String(committed.length + 1).padStart(4, '0')}_broken`;
    // The first statement succeeds; the second fails: nothing of the migration may remain.
    addMigration(dir, name, 'CREATE TABLE "Partial" ("id" INTEGER PRIMARY KEY);\nINSERT INTO "NoSuchTable" VALUES (1);\n');
    await assert.rejects(
      migrate(url, { root }),
      (error: unknown) => error instanceof MigrationError && error.message.includes(name) && /rolled back/.test(error.message),
    );
    assert.ok(!(await tables(url)).includes('Partial'), 'the half of the migration that ran was rolled back');
    assert.deepEqual(await recorded(url), committed, 'the migrations before it stay applied and recorded');

    addMigration(dir, name, 'CREATE TABLE "Partial" ("id" INTEGER PRIMARY KEY);\n');
    assert.deepEqual(await migrate(url, { root }), { applied: [name], alreadyApplied: committed });
    assert.ok((await tables(url)).includes('Partial'));
  });

  test('a migration edited after it was applied is refused, and nothing after it runs', async () => {
    const { url } = await freshDatabase();
    const { root, dir } = migrationsRoot(committed.length);
    await migrate(url, { root });
    const [firstName] = committed;
    assert.ok(firstName);
    appendFileSync(join(dir, firstName, 'migration.sql'), '\n-- tidied up later\n');
    addMigration(dir, '9999_after', 'CREATE TABLE "After" ("id" INTEGER PRIMARY KEY);\n');
    await assert.rejects(migrate(url, { root }), (error: unknown) => {
      assert.ok(error instanceof MigrationError);
      assert.match(error.message, new RegExp(`${firstName} was changed after it was applied`));
      assert.match(error.message, /add a new migration/);
      return true;
    });
    assert.ok(!(await tables(url)).includes('After'));
  });

  test('comments written under the first migration survive the later ones', async () => {
    const { url } = await freshDatabase();
    const { root } = migrationsRoot(1);
    assert.deepEqual((await migrate(url, { root })).applied, committed.slice(0, 1));
    // Written by hand as the first release stored them: a site, a page, a comment and a reply.
    await sql(url, `INSERT INTO "Site" ("id", "name") VALUES ('demo', 'Demo')`);
    await sql(url, `INSERT INTO "Page" ("siteId", "url") VALUES ('demo', 'http://localhost:8080/demo')`);
    const page = (await sql(url, `SELECT "id" FROM "Page"`))[0]?.id;
    const insert = (body: string, parent: string) =>
      sql(
        url,
        `INSERT INTO "Comment" ("pageId", "parentId", "author", "body", "token", "status", "updatedAt")
         VALUES (${String(page)}, ${parent}, 'Ann', '${body}', '${body}-token', 'approved', CURRENT_TIMESTAMP)`,
      );
    await insert('kept', 'NULL');
    const parentId = (await sql(url, `SELECT "id" FROM "Comment" WHERE "body" = 'kept'`))[0]?.id;
    await insert('reply', String(parentId));

    // 0002 redefines "Site" on SQLite (copy, DROP, rename): with foreign keys enforced the DROP
    // would cascade to every page and comment.
    assert.deepEqual((await migrate(url)).applied, committed.slice(1));
    const rows = await sql(url, `SELECT "body", "parentId", "status" FROM "Comment" ORDER BY "id"`);
    assert.deepEqual(
      rows.map((r) => [r.body, r.parentId === null ? null : Number(r.parentId), r.status]),
      [
        ['kept', null, 'approved'],
        ['reply', Number(parentId), 'approved'],
      ],
    );
    assert.equal((await sql(url, `SELECT count(*) AS n FROM "Page"`)).map((r) => Number(r.n))[0], 1);
    const site = (await sql(url, `SELECT "name", "version" FROM "Site"`))[0];
    assert.deepEqual([site?.name, Number(site?.version)], ['Demo', 0]);
    if (testProvider === 'sqlite') assert.deepEqual(await sql(url, 'PRAGMA foreign_key_check'), []);
  });

  test('migrators started at the same time both succeed and apply each migration once', async () => {
    const { url } = await freshDatabase();
    const reports = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    const applied = reports.flatMap((r) => r.applied).sort();
    assert.deepEqual(applied, committed, 'each migration applied by exactly one of them');
    for (const r of reports) assert.deepEqual([...r.applied, ...r.alreadyApplied].sort(), committed);
    assert.deepEqual(await recorded(url), committed);
  });

  test('with nothing pending, migrating neither takes the migration lock nor waits for it', async () => {
    const { url } = await freshDatabase();
    await migrate(url);
    // Another connection holds what a migrator locks: SQLite's write lock, or the advisory lock.
    let release: () => Promise<void>;
    if (testProvider === 'sqlite') {
      const holder = new Database(sqlitePath(url));
      holder.exec('BEGIN IMMEDIATE');
      release = () => {
        holder.exec('ROLLBACK');
        holder.close();
        return Promise.resolve();
      };
    } else {
      const holder = new pg.Client({ connectionString: url });
      await holder.connect();
      await holder.query("SELECT pg_advisory_lock(hashtext('epistle-migrations'))");
      release = () => holder.end();
    }
    try {
      const started = Date.now();
      const timeout = new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 5_000).unref());
      const report = await Promise.race([migrate(url), timeout]);
      assert.notEqual(report, 'waited', 'migrate waited for the lock');
      assert.deepEqual(report, { applied: [], alreadyApplied: committed });
      assert.ok(Date.now() - started < 5_000);
    } finally {
      await release();
    }
  });

  test('the committed SQL is what gets recorded (checksums of the files)', async () => {
    const { url } = await freshDatabase();
    await migrate(url);
    const rows = await sql(url, 'SELECT name, checksum FROM "_epistle_migrations" ORDER BY name');
    const { createHash } = await import('node:crypto');
    for (const row of rows) {
      const file = readFileSync(join(committedRoot, testProvider, 'migrations', String(row.name), 'migration.sql'));
      assert.equal(row.checksum, createHash('sha256').update(file).digest('hex'));
    }
  });
});
