// `epistle serve` as the README's quick start runs it: an empty folder, no configuration. Then the
// acceptance path (a form post, moderation by the CLI, the comment published), the logs, and a
// graceful stop on SIGTERM that lets a request in flight finish.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { epistle, freePort, startEpistle } from '../support/cli.js';
import { createTestDatabase, testProvider, type TestDatabase } from '../support/database.js';

const demoPage = 'http://localhost:8080/demo';

/** Resolves when `check` passes on the output so far; rejects when the process ends first. */
function waitFor(child: ChildProcess, output: () => string, check: (text: string) => boolean, ms = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (check(output())) {
        clearInterval(timer);
        resolve();
      } else if (child.exitCode !== null || Date.now() - started > ms) {
        clearInterval(timer);
        reject(new Error(`gave up waiting (exit ${String(child.exitCode)}); output so far:\n${output()}`));
      }
    }, 50);
  });
}

async function tokenOf(url: string, cwd: string, id: number): Promise<string> {
  if (testProvider === 'sqlite') {
    const db = new Database(join(cwd, 'data/epistle.db'), { readonly: true });
    try {
      return (db.prepare('SELECT token FROM "Comment" WHERE id = ?').get(id) as { token: string }).token;
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ token: string }>('SELECT token FROM "Comment" WHERE id = $1', [id])).rows[0]?.token ?? '';
  } finally {
    await client.end();
  }
}

/** Sends a request in two parts over a raw socket; returns the response once the second part is sent. */
function slowRequest(port: number, path: string, body: string) {
  const socket = connect(port, '127.0.0.1');
  let response = '';
  socket.on('data', (d: Buffer) => (response += d.toString()));
  const closed = new Promise<string>((resolve, reject) => {
    socket.on('close', () => resolve(response));
    socket.on('error', reject);
  });
  const split = Math.floor(body.length / 2);
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n${body.slice(0, split)}`,
  );
  return {
    finish: () => socket.write(body.slice(split)),
    /** The whole response, once the server has closed the connection. */
    closed,
  };
}

describe(`epistle serve from an empty folder (${testProvider})`, () => {
  let cwd: string;
  let port: number;
  let base: string;
  let db: TestDatabase | undefined;
  let env: Record<string, string>;
  let child: ChildProcess;
  let stdout = '';
  let stderr = '';
  let exited: Promise<{ code: number | null; signal: string | null }>;
  let commentId = 0;

  before(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'epistle-serve-'));
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      EPISTLE_SERVER_LISTEN: `127.0.0.1:${port}`,
      // The demo page as reached on this test's port, as well as the default origin of the quick start.
      EPISTLE_SITES_DEMO_ORIGINS: `http://localhost:8080,${base}`,
    };
    if (testProvider === 'postgresql') {
      db = await createTestDatabase();
      env.EPISTLE_DATABASE_URL = db.url;
    }
    child = startEpistle(['serve'], { cwd, env });
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    await waitFor(
      child,
      () => stderr,
      (text) => text.includes('listening on'),
    );
  });

  after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    await db?.drop();
    rmSync(cwd, { recursive: true, force: true });
  });

  test('writes epistle.toml, says so, and prints where it listens and the demo page', async () => {
    assert.ok(existsSync(join(cwd, 'epistle.toml')), 'the configuration file was written');
    assert.match(readFileSync(join(cwd, 'epistle.toml'), 'utf8'), /\[sites\.demo\]/);
    assert.match(stderr, new RegExp(`wrote ${join(cwd, 'epistle.toml')} with a demo site`));
    assert.ok(stderr.includes(`listening on ${base}\n`), stderr);
    assert.ok(stderr.includes(`demo page at ${base}/demo\n`), stderr);
    assert.equal(statSync(join(cwd, 'epistle.toml')).mode & 0o777, 0o600, 'the configuration file is owner-only');
    if (testProvider === 'sqlite') {
      assert.ok(existsSync(join(cwd, 'data/epistle.db')), 'the SQLite file is under ./data');
      assert.equal(statSync(join(cwd, 'data')).mode & 0o777, 0o700, 'the data directory is owner-only');
      for (const file of ['epistle.db', 'epistle.db-wal']) {
        assert.equal(statSync(join(cwd, 'data', file)).mode & 0o777, 0o600, `${file} is owner-only`);
      }
    }
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
  });

  test('GET /demo is an HTML page with a plain comment form', async () => {
    const res = await fetch(`${base}/demo`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    const html = (await res.text()).replaceAll('&#x2F;', '/'); // mustache escapes "/" in attributes
    assert.match(html, /<form[^>]*action="\/api\/sites\/demo\/comments"/);
    assert.match(html, /<form[^>]*method="post"/i);
    for (const field of ['url', 'author', 'body']) assert.match(html, new RegExp(`name="${field}"`));
  });

  test('acceptance: a form post answers 303, the CLI lists and approves it, the API publishes it', async () => {
    // curl -d 'url=http://localhost:8080/demo&author=Ann&body=Hi' http://127.0.0.1:8080/api/sites/demo/comments
    const posted = await fetch(`${base}/api/sites/demo/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'url=http://localhost:8080/demo&author=Ann&body=Hi',
      redirect: 'manual',
    });
    assert.equal(posted.status, 303);
    assert.equal(posted.headers.get('location'), `${demoPage}#epistle-pending`);

    const listed = await epistle(['comments', 'list', '--status', 'pending'], { cwd, env });
    assert.equal(listed.code, 0, listed.stderr);
    const row = /^\s*(\d+)\s+pending\s+demo\s.*\bAnn\b.*http:\/\/localhost:8080\/demo$/m.exec(listed.stdout);
    assert.ok(row?.[1], `the comment is listed: ${listed.stdout}`);
    commentId = Number(row[1]);

    const commentsUrl = `${base}/api/sites/demo/comments?url=${encodeURIComponent(demoPage)}`;
    const before = (await (await fetch(commentsUrl)).json()) as { comments: Array<{ id: number }> };
    assert.ok(!before.comments.some((c) => c.id === commentId), 'pending comments are not published');

    const approved = await epistle(['comments', 'approve', String(commentId)], { cwd, env });
    assert.equal(approved.code, 0, approved.stderr);
    const published = (await (await fetch(commentsUrl)).json()) as { comments: Array<{ id: number; author: string; html: string }> };
    const shown = published.comments.find((c) => c.id === commentId);
    assert.deepEqual([shown?.author, shown?.html], ['Ann', '<p>Hi</p>\n']);
  });

  test('logs are JSON lines, request lines carry a request id, and no comment token is logged', async () => {
    const token = await tokenOf(db?.url ?? '', cwd, commentId);
    assert.match(token, /^[0-9a-f]{32,}$/, 'the comment has its token in the database');
    assert.ok(!stdout.includes(token) && !stderr.includes(token), 'the token never reaches the logs');
    const lines = stdout.split('\n').filter(Boolean);
    const entries = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        assert.fail(`not a JSON line: ${line}`);
      }
    });
    const requests = entries.filter((e) => e.msg === 'request');
    assert.ok(
      requests.some((e) => e.method === 'POST' && e.status === 303),
      'the form post is logged',
    );
    for (const e of requests) assert.match(String(e.reqId), /^[\w.-]{1,64}$/);
    for (const e of entries) assert.equal(typeof e.level, 'number');
  });

  test('a second server on the same address says the address is taken and how to change it', async () => {
    const second = await epistle(['serve'], { cwd, env });
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}.*EADDRINUSE.*EPISTLE_SERVER_LISTEN`));
    assert.doesNotMatch(second.stderr, /\n\s+at /, 'no stack trace');
    assert.equal((await fetch(`${base}/healthz`)).status, 200, 'the first server is unaffected');
  });

  test('SIGTERM: a request in flight completes, new connections are refused, exit 0 within 5 s', async () => {
    const body = JSON.stringify({ url: demoPage, author: 'Late', body: 'Posted while stopping' });
    const inFlight = slowRequest(port, '/api/sites/demo/comments', body);
    await new Promise((r) => setTimeout(r, 300)); // the server has the headers and waits for the body
    const signalled = Date.now();
    child.kill('SIGTERM');
    await waitFor(
      child,
      () => stdout,
      (text) => text.includes('"shutting down"'),
      5_000,
    );
    await assert.rejects(fetch(`${base}/healthz`), 'no new connections once stopping');
    inFlight.finish();
    const response = await inFlight.closed;
    assert.match(response, /^HTTP\/1\.1 202 /, response);
    assert.match(response, /"status":"pending"/);
    const { code } = await exited;
    const took = Date.now() - signalled;
    assert.equal(code, 0, stderr);
    assert.ok(took < 5_000, `stopped in ${took} ms`);
    assert.match(stdout, /"msg":"stopped"/);
  });
});
