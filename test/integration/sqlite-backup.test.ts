// `epistle backup <file>` while another process writes to the database without pause: the copy
// opens, passes PRAGMA integrity_check, and is one consistent snapshot holding every row committed
// before the backup started. Also the refusals (existing file, PostgreSQL).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { epistle } from '../support/cli.js';

const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3');

/** A separate process inserting one row per transaction, as fast as it can, for at most 60 s. */
const writerScript = `
const Database = require(${JSON.stringify(betterSqlite)});
const db = new Database(process.argv[1], { timeout: 10000 });
db.pragma('journal_mode = WAL');
const insert = db.prepare('INSERT INTO filler (pad) VALUES (?)');
const pad = 'x'.repeat(200);
const until = Date.now() + 60000;
process.stdout.write('writing\\n');
while (Date.now() < until) insert.run(pad);
`;

const site = '[sites.demo]\nname = "Demo"\norigins = ["http://localhost:8080"]\n';

describe('epistle backup (SQLite)', () => {
  let cwd: string;
  let dbFile: string;
  let writer: ChildProcess | undefined;
  const count = () => {
    const db = new Database(dbFile, { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM filler').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  before(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'epistle-backup-'));
    dbFile = join(cwd, 'data/epistle.db');
    writeFileSync(join(cwd, 'epistle.toml'), `[database]\nurl = "file:./data/epistle.db"\n\n${site}`);
    const migrated = await epistle(['migrate'], { cwd });
    assert.equal(migrated.code, 0, migrated.stderr);
    // Some megabytes, so that copying takes a while and the writer gets to write meanwhile.
    const db = new Database(dbFile);
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, pad TEXT NOT NULL)');
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO filler (pad) SELECT ? FROM n`,
    ).run('y'.repeat(200));
    db.close();
  });

  after(() => {
    writer?.kill('SIGKILL');
    rmSync(cwd, { recursive: true, force: true });
  });

  test('a copy taken under continuous writes is whole, consistent and owner-only', async () => {
    writer = spawn(process.execPath, ['-e', writerScript, dbFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      writer?.stdout?.once('data', () => resolve());
      writer?.once('exit', (code) => reject(new Error(`the writer stopped (${String(code)})`)));
    });
    await new Promise((r) => setTimeout(r, 200));
    const committedBefore = count();
    const copyFile = join(cwd, 'copy.db');
    const result = await epistle(['backup', 'copy.db'], { cwd });
    const committedAfter = count();
    writer.kill('SIGKILL');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`backed up ${dbFile} to ${copyFile} \\(\\d+ KiB, \\d+ pages, integrity ok\\)`));
    assert.ok(committedAfter > committedBefore, `the writer kept writing during the backup (${committedBefore} -> ${committedAfter})`);

    assert.equal(statSync(copyFile).mode & 0o777, 0o600, 'the copy is as private as the database');
    const copy = new Database(copyFile, { readonly: true, fileMustExist: true });
    try {
      assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
      const { n, max } = copy.prepare('SELECT count(*) AS n, max(id) AS max FROM filler').get() as { n: number; max: number };
      assert.ok(n >= committedBefore, `every row committed before the backup is in the copy (${n} >= ${committedBefore})`);
      assert.ok(n <= committedAfter, `${n} <= ${committedAfter}`);
      assert.equal(max, n, 'one snapshot: the single writer numbered its rows 1..n, none is missing');
      const migrations = copy.prepare('SELECT count(*) AS n FROM "_epistle_migrations"').get() as { n: number };
      assert.ok(migrations.n > 0, 'the schema and its migration records are there');
    } finally {
      copy.close();
    }
  });

  test('an existing file is never overwritten', async () => {
    const target = join(cwd, 'taken.db');
    writeFileSync(target, 'mine');
    const result = await epistle(['backup', target], { cwd });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /taken\.db already exists; choose a new file name/);
    assert.equal(statSync(target).size, 4, 'the file is untouched');
  });

  test('on PostgreSQL it points at pg_dump and never prints the database URL', async () => {
    const pgDir = mkdtempSync(join(tmpdir(), 'epistle-backup-pg-'));
    try {
      writeFileSync(join(pgDir, 'epistle.toml'), `[database]\nurl = "postgresql://epistle:s3cret@db.invalid/epistle"\n\n${site}`);
      const result = await epistle(['backup', 'x.dump'], { cwd: pgDir });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /for PostgreSQL use pg_dump.*docs\/deployment\.md/);
      assert.doesNotMatch(result.stderr + result.stdout, /s3cret/);
      assert.ok(!existsSync(join(pgDir, 'x.dump')));
    } finally {
      rmSync(pgDir, { recursive: true, force: true });
    }
  });
});
