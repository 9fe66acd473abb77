// The `epistle` command as a person runs it: real processes, a real epistle.toml in a folder of
// its own, a real database (SQLite file, or PostgreSQL with EPISTLE_TEST_DB=postgresql).
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { readMigrations } from '../../src/db/migrate.js';
import { submitComment } from '../../src/domain/comments/submit-comment.js';
import { createLogger } from '../../src/log.js';
import { createServices, type Services } from '../../src/services.js';
import { epistle } from '../support/cli.js';
import { createTestDatabase, testProvider, type TestDatabase } from '../support/database.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'epistle-cli-'));
  dirs.push(dir);
  return dir;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// These do not touch the database: they run in the SQLite phase only rather than twice.
const databaseFree = testProvider === 'sqlite' ? describe : () => undefined;

void databaseFree('epistle --help', () => {
  test('the program and its subcommands print help and exit 0', async () => {
    const cwd = tempDir();
    const [program, approve, list] = await Promise.all([
      epistle(['--help'], { cwd }),
      epistle(['comments', 'approve', '--help'], { cwd }),
      epistle(['comments', 'list', '--help'], { cwd }),
    ]);
    assert.equal(program.code, 0, program.stderr);
    for (const command of ['serve', 'migrate', 'init', 'config', 'comments']) assert.match(program.stdout, new RegExp(`\\b${command}\\b`));
    assert.equal(approve.code, 0, approve.stderr);
    assert.match(approve.stdout, /Usage: epistle comments approve \[options\] <id>/);
    assert.match(approve.stdout, /--force/);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /--status/);
  });
});

void databaseFree('epistle init and config check', () => {
  test('init writes a valid starter file and refuses to overwrite it without --force', async () => {
    const cwd = tempDir();
    const path = join(cwd, 'epistle.toml');
    const first = await epistle(['init'], { cwd });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /wrote .*epistle\.toml/);
    assert.match(readFileSync(path, 'utf8'), /\[sites\.demo\]/);
    // The file will hold mail passwords; the data directory, readers' email addresses.
    assert.equal(statSync(path).mode & 0o777, 0o600, 'the configuration file is owner-only');
    assert.equal(statSync(join(cwd, 'data')).mode & 0o777, 0o700, 'the data directory is owner-only');
    assert.match(first.stdout, new RegExp(`created the data directory ${join(cwd, 'data')}`));

    writeFileSync(path, '# my own settings\n');
    chmodSync(path, 0o644);
    const again = await epistle(['init'], { cwd });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists.*--force/);
    assert.equal(readFileSync(path, 'utf8'), '# my own settings\n', 'the existing file is untouched');

    const forced = await epistle(['init', '--force'], { cwd });
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(readFileSync(path, 'utf8'), /\[sites\.demo\]/);
    assert.equal(statSync(path).mode & 0o777, 0o600, 'an overwritten file becomes owner-only too');
  });

  test('config check prints ✓ and the sites for a good file, and names the key of a bad one (exit 2)', async () => {
    const cwd = tempDir();
    const site = '[sites.blog]\nname = "Blog"\norigins = ["https://blog.example"]\nmoderators = ["me@blog.example"]\n';
    writeFileSync(join(cwd, 'epistle.toml'), site);
    writeFileSync(join(cwd, 'broken.toml'), `[server]\nlisen = "127.0.0.1:8080"\n${site}`);
    const [good, bad] = await Promise.all([
      epistle(['config', 'check'], { cwd }),
      epistle(['--config', 'broken.toml', 'config', 'check'], { cwd }),
    ]);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /✓ .*epistle\.toml is valid/);
    assert.match(good.stdout, /site blog: Blog, origins https:\/\/blog\.example/);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /server\.lisen/);
    assert.match(bad.stderr, /unknown key/);
    assert.match(bad.stderr, /listen/);
    assert.equal(bad.stdout, '');
  });
});

describe(`epistle migrate and comments on ${testProvider}`, () => {
  let cwd: string;
  let db: TestDatabase;
  let services: Services | undefined;
  const run = (...args: string[]) => epistle(args, { cwd });

  before(async () => {
    cwd = tempDir();
    db = await createTestDatabase();
    const url = testProvider === 'sqlite' ? 'file:./data/epistle.db' : db.url;
    writeFileSync(
      join(cwd, 'epistle.toml'),
      `[database]\nurl = "${url}"\n\n[sites.demo]\nname = "Demo"\norigins = ["http://localhost:8080"]\nrate_limit_per_minute = 0\n`,
    );
  });
  after(async () => {
    await services?.close();
    await db.drop();
  });

  test('migrate applies the migrations, then says the database is up to date', async () => {
    const names = readMigrations(testProvider).map((m) => m.name);
    const first = await run('migrate');
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, `applied ${names.join(', ')}\n`);
    const second = await run('migrate');
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, `database up to date (${names.length} migrations)\n`);
  });

  test('a comment posted by a reader is listed as pending, approved by id, and a repeat changes nothing', async () => {
    const { config } = loadConfig({ cwd, env: {} });
    services = await createServices(config, createLogger('silent'));
    const posted = await submitComment(services, {
      siteId: 'demo',
      url: 'http://localhost:8080/posts/hello',
      author: 'Ann Reader',
      body: 'First *comment* from the CLI test',
      clientIp: '203.0.113.9',
    });
    assert.equal(posted.kind, 'stored');
    const id = posted.kind === 'stored' ? posted.comment.id : 0;

    const listed = await run('comments', 'list', '--status', 'pending');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`^\\s*${id}\\s+pending\\s+demo\\b.*Ann Reader.*http://localhost:8080/posts/hello`, 'm'));
    assert.match(listed.stdout, /First \*comment\* from the CLI test/);

    const approved = await run('comments', 'approve', String(id));
    assert.equal(approved.code, 0, approved.stderr);
    assert.equal(approved.stdout, `comment ${id} is now approved\n`);
    const stored = await services.store.findComment(id);
    assert.equal(stored?.status, 'approved');
    assert.equal(stored?.html, '<p>First <em>comment</em> from the CLI test</p>\n', 'rendered once, on approval');

    const [repeat, drop, pendingNow] = await Promise.all([
      run('comments', 'approve', String(id)),
      run('comments', 'drop', String(id)),
      run('comments', 'list', '--status', 'pending'),
    ]);
    assert.equal(repeat.code, 0, repeat.stderr);
    assert.match(repeat.stdout, new RegExp(`comment ${id} was already approved; nothing changed`));
    assert.equal(drop.code, 1);
    assert.match(drop.stderr, new RegExp(`comment ${id} is already approved; use --force`));
    assert.equal((await services.store.findComment(id))?.status, 'approved', 'the refused drop changed nothing');
    assert.equal(pendingNow.code, 0);
    assert.doesNotMatch(pendingNow.stdout, new RegExp(`^\\s*${id}\\s`, 'm'));
  });

  test('an unknown id and an unknown status are refused with a clear message and a non-zero exit', async () => {
    const [missing, bogus, notAnId] = await Promise.all([
      run('comments', 'approve', '999999'),
      run('comments', 'list', '--status', 'bogus'),
      run('comments', 'spam', 'abc'),
    ]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no comment 999999/);
    assert.notEqual(bogus.code, 0);
    assert.match(bogus.stderr, /pending, approved, dropped, spam/);
    assert.notEqual(notAnId.code, 0);
    assert.match(notAnId.stderr, /"abc" is not a comment id/);
    for (const r of [missing, bogus, notAnId]) assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });
});
