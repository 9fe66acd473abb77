// Static-site rebuilds end to end, on SQLite and PostgreSQL: moderation records the request with
// the change, the worker POSTs to a build hook (here a real local HTTP server that records what it
// receives) or runs a command, debounced, retried with backoff, and once per request across
// instances. Debounce 1 s and fast retries (300 ms, doubling, 3 tries) keep it short.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDatabase, type Database } from '../../src/db/client.js';
import { SqlInboundStore } from '../../src/db/inbound-store.js';
import { SqlRebuildQueue } from '../../src/db/rebuild-queue.js';
import { answerComment } from '../../src/domain/comments/answer-comment.js';
import { moderateComment } from '../../src/domain/comments/moderate-comment.js';
import type { RetryPolicy } from '../../src/domain/rebuilds/policy.js';
import { newModerationToken } from '../../src/domain/tokens.js';
import { createRebuildRunner } from '../../src/rebuild/runner.js';
import { RebuildWorker } from '../../src/rebuild/worker.js';
import { epistle } from '../support/cli.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { testProvider } from '../support/database.js';

const retry: RetryPolicy = { baseMs: 300, maxMs: 1200, maxAttempts: 3 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, condition: () => boolean, timeoutMs = 8000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

interface HookCall {
  site: string;
  at: number;
  body: string;
  contentType: string | undefined;
}

/** A build hook stand-in: records every POST; each site's path answers as `behaviour[site]` says. */
class HookServer {
  readonly calls: HookCall[] = [];
  readonly behaviour = new Map<string, (call: HookCall, res: ServerResponse) => void>();
  private server!: Server;
  private readonly hanging = new Set<ServerResponse>();
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const site = /^\/build_hooks\/([a-z-]+)\//.exec(req.url ?? '')?.[1] ?? '?';
        const call = { site, at: Date.now(), body, contentType: req.headers['content-type'] };
        if (req.method === 'POST') this.calls.push(call);
        const respond = this.behaviour.get(site) ?? ((_c, r) => r.writeHead(200).end('{"ok":true}'));
        respond(call, res);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** The hook URL of a site; its last segment stands for the secret a host puts there. */
  url(site: string): string {
    return `http://127.0.0.1:${this.port}/build_hooks/${site}/s3cr3t-${site}`;
  }

  of(site: string): HookCall[] {
    return this.calls.filter((c) => c.site === site);
  }

  hang(res: ServerResponse): void {
    this.hanging.add(res);
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const hook = new HookServer();
let app: TestApp;
let worker: RebuildWorker;
let dir: string;
const hookSites = ['debounce', 'during', 'failing', 'hanging', 'gaveup', 'shared'];

function writeScript(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  return path;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'epistle-rebuild-'));
  await hook.start();
  const argsScript = writeScript(
    'print-args.sh',
    '#!/bin/sh\nout="$1"\nfor a in "$@"; do printf \'%s\\n\' "$a"; done > "$out.tmp"\nprintf \'site=%s reason=%s\\n\' "$EPISTLE_SITE" "$EPISTLE_REBUILD_REASON" >> "$out.tmp"\nmv "$out.tmp" "$out"\n',
  );
  // Starts a long child and records both process ids, to check the timeout stops the whole build.
  const slowScript = writeScript('slow.sh', '#!/bin/sh\nsleep 30 &\necho "$$ $!" > "$1"\nwait\n');
  app = await startTestApp((table) => {
    const site = (extra: Record<string, unknown>) => ({ name: 'S', origins: ['https://static.example'], ...extra });
    for (const id of hookSites)
      table.sites[id] = site({ rebuild_hook: hook.url(id), rebuild_debounce_seconds: 1, rebuild_timeout_seconds: 1 });
    table.sites.cmd = site({
      rebuild_command: [argsScript, join(dir, 'args.txt'), `$(touch ${join(dir, 'pwned')})`, 'two words; touch injected', '`id`', '*'],
      rebuild_debounce_seconds: 0,
    });
    table.sites.slow = site({
      rebuild_command: [slowScript, join(dir, 'pids.txt')],
      rebuild_debounce_seconds: 0,
      rebuild_timeout_seconds: 1,
    });
    table.sites.stopme = site({ rebuild_command: [slowScript, join(dir, 'stopme.txt')], rebuild_debounce_seconds: 0 });
    table.sites.quiet = site({});
  });
  worker = startWorker(app.services.rebuildQueue, [...hookSites, 'cmd', 'slow']);
});

after(async () => {
  await worker.stop();
  await app.stop();
  await hook.stop();
  rmSync(dir, { recursive: true, force: true });
});

function startWorker(queue: SqlRebuildQueue, sites: string[], safetyIntervalMs = 200): RebuildWorker {
  const logger = app.services.logger.child({ component: 'rebuild' });
  const w = new RebuildWorker(
    { rebuildQueue: queue, runner: createRebuildRunner(app.services.rebuildTargets, logger), clock: app.services.clock, logger },
    { sites: sites.map((siteId) => ({ siteId, leaseMs: 10_000 })), retry, safetyIntervalMs },
  );
  w.start();
  return w;
}

let page = 0;
async function pending(siteId: string): Promise<number> {
  const comment = await app.services.store.createComment({
    siteId,
    pageUrl: `https://static.example/post-${++page}`,
    parentId: null,
    author: 'Ann',
    email: null,
    website: null,
    body: 'Hello',
    clientIp: null,
    token: newModerationToken(),
  });
  return comment.id;
}

/** Approves like a moderator would; returns how long the decision took. */
async function approve(id: number): Promise<number> {
  const started = Date.now();
  const outcome = await moderateComment(app.services, { commentId: id, decision: 'approve', by: 'test' });
  assert.equal(outcome.kind, 'applied');
  return Date.now() - started;
}

const row = (siteId: string) =>
  app.services.database.db.selectFrom('RebuildRequest').selectAll().where('siteId', '=', siteId).executeTakeFirstOrThrow();
const logsOf = (site: string, msg: string) => app.logs.filter((l) => l.site === site && l.msg === msg);

describe('rebuild hooks', () => {
  test('ten approvals within the debounce window make exactly one POST, after the window', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) ids.push(await pending('debounce'));
    // Each approval comes within the window of the one before (the debounce is trailing).
    let last = Date.now();
    let lastStarted = last;
    for (const id of ids) {
      lastStarted = Date.now();
      await approve(id);
      assert.ok(Date.now() - last < 900, 'an approval came within the debounce window of the previous one');
      last = Date.now();
    }
    const due = await row('debounce');
    assert.ok(
      due.dueAt && due.dueAt.getTime() >= lastStarted + 990,
      'the request is in the database, due a debounce after the last change',
    );
    await sleep(500);
    assert.equal(hook.of('debounce').length, 0, 'no build while changes are still coming');
    await waitFor('the build hook POST', () => hook.of('debounce').length > 0);
    await sleep(1500);
    const calls = hook.of('debounce');
    assert.equal(calls.length, 1);
    assert.ok(calls[0]!.at >= last + 900, 'the build waited for a quiet second after the last approval');
    assert.deepEqual(JSON.parse(calls[0]!.body), { site: 'debounce', reason: 'approved' });
    assert.equal(calls[0]!.contentType, 'application/json');
    const state = await row('debounce');
    assert.equal(state.lastOutcome, 'succeeded');
    assert.equal(state.dueAt, null);
  });

  test('pending -> dropped changes nothing readers see and requests no build; unpublishing does', async () => {
    const id = await pending('debounce');
    await moderateComment(app.services, { commentId: id, decision: 'drop', by: 'test' });
    assert.equal((await row('debounce')).dueAt, null);
    const shown = await pending('debounce');
    await approve(shown);
    await waitFor('the build for the approval', () => hook.of('debounce').length === 2);
    await moderateComment(app.services, { commentId: shown, decision: 'spam', force: true, by: 'test' });
    await waitFor('the build for the unpublishing', () => hook.of('debounce').length === 3);
    assert.equal(JSON.parse(hook.of('debounce')[2]!.body).reason, 'unpublished');
  });

  test("an owner's answer is published with a rebuild request of its own", async () => {
    const id = await pending('debounce');
    await approve(id);
    const before = hook.of('debounce').length;
    await waitFor('the approval build', () => hook.of('debounce').length === before + 1);
    await sleep(300);
    const outcome = await answerComment(
      { ...app.services, answers: new SqlInboundStore(app.services.database.db) },
      { commentId: id, text: 'Thanks!', by: 'owner@example.test' },
    );
    assert.equal(outcome.kind, 'answered');
    await waitFor('the answer build', () => hook.of('debounce').length === before + 2);
    assert.equal(JSON.parse(hook.of('debounce').at(-1)!.body).reason, 'answered');
  });

  test('a change during a running build leads to exactly one more build, after it', async () => {
    let ended = 0;
    hook.behaviour.set('during', (_call, res) => {
      setTimeout(() => {
        ended ||= Date.now();
        res.writeHead(204).end();
      }, 600);
    });
    await approve(await pending('during'));
    await waitFor('the first build to start', () => hook.of('during').length === 1);
    const b = await pending('during');
    const c = await pending('during');
    await approve(b);
    await approve(c);
    const lastChange = Date.now();
    assert.equal(ended, 0, 'the changes were made while the first build was running');
    await waitFor('the second build', () => hook.of('during').length === 2);
    await sleep(1800);
    const calls = hook.of('during');
    assert.equal(calls.length, 2);
    assert.ok(calls[1]!.at >= ended, 'the second build started after the first ended');
    assert.ok(calls[1]!.at >= lastChange + 900, 'and was debounced from the last change');
  });

  test('a hook answering 500 is retried with backoff; moderation returns at once meanwhile', async () => {
    hook.behaviour.set('failing', (_call, res) => {
      if (hook.of('failing').length <= 2) res.writeHead(500).end('Internal build hook error');
      else res.writeHead(200).end();
    });
    await approve(await pending('failing'));
    await waitFor('the first failed POST', () => hook.of('failing').length === 1);
    // The site's build is failing right now: deciding on another comment must not wait for it.
    const took = await approve(await pending('failing'));
    assert.ok(took < 800, `approval took ${took} ms while the hook was failing`);
    await waitFor('the successful third POST', () => hook.of('failing').length === 3, 10_000);
    await sleep(1500);
    const calls = hook.of('failing');
    assert.equal(calls.length, 3, 'no build after the one that succeeded');
    assert.ok(calls[2]!.at - calls[1]!.at >= 550, 'the second retry waited longer than the first (backoff doubles)');
    const retries = logsOf('failing', 'rebuild failed, will retry');
    assert.equal(retries.length, 2);
    assert.match(String(retries[0]!.error), new RegExp(`POST to 127\\.0\\.0\\.1:${hook.port} answered 500: Internal build hook error`));
    assert.equal(logsOf('failing', 'rebuild succeeded').length, 1);
    assert.equal(typeof logsOf('failing', 'rebuild succeeded')[0]!.durationMs, 'number');
    assert.equal((await row('failing')).attempts, 0);
  });

  test('a hook that does not answer fails at the timeout and is retried, without holding up moderation', async () => {
    hook.behaviour.set('hanging', (_call, res) => {
      if (hook.of('hanging').length === 1) hook.hang(res);
      else res.writeHead(202).end();
    });
    await approve(await pending('hanging'));
    await waitFor('the POST that hangs', () => hook.of('hanging').length === 1);
    const took = await approve(await pending('hanging'));
    // A moderation that waited for the hook would take its whole 1 s timeout.
    assert.ok(took < 800, `approval took ${took} ms while the hook hung`);
    await waitFor('the timeout to be logged', () => logsOf('hanging', 'rebuild failed, will retry').length === 1, 5000);
    assert.match(String(logsOf('hanging', 'rebuild failed, will retry')[0]!.error), /no answer within 1 s/);
    await waitFor('the retry to succeed', () => logsOf('hanging', 'rebuild succeeded').length === 1, 8000);
  });

  test('after the last try the build is given up, and the next change tries again', async () => {
    hook.behaviour.set('gaveup', (_call, res) => res.writeHead(503).end());
    await approve(await pending('gaveup'));
    await waitFor(
      'the build to be given up',
      () => logsOf('gaveup', 'rebuild failed for good; the next change (or `epistle rebuild`) tries again').length === 1,
      10_000,
    );
    await sleep(1500);
    assert.equal(hook.of('gaveup').length, retry.maxAttempts);
    const state = await row('gaveup');
    assert.equal(state.lastOutcome, 'failed');
    assert.equal(state.dueAt, null);
    assert.match(state.lastError ?? '', /answered 503/);
    hook.behaviour.set('gaveup', (_call, res) => res.writeHead(200).end());
    await approve(await pending('gaveup'));
    await waitFor('a new try after the change', () => hook.of('gaveup').length === retry.maxAttempts + 1);
    await waitFor('its success', () => logsOf('gaveup', 'rebuild succeeded').length === 1);
  });

  test('two instances sharing the database never POST the same request twice', async () => {
    // A second instance's queue: its own connection on PostgreSQL; on SQLite the same connection
    // (better-sqlite3 waits for locks synchronously, so two in one process would deadlock).
    const second: Database = testProvider === 'postgresql' ? await openDatabase(app.db.url) : app.services.database;
    const otherQueue = new SqlRebuildQueue(second.db);
    const other = startWorker(otherQueue, ['shared'], 20);
    const eager = startWorker(new SqlRebuildQueue(app.services.database.db), ['shared'], 20);
    hook.behaviour.set('shared', (_call, res) => setTimeout(() => res.writeHead(200).end(), 200));
    try {
      // One approval per round: one request, which three workers polling every 20 ms all see due.
      for (let round = 1; round <= 4; round++) {
        await approve(await pending('shared'));
        await waitFor(`build ${round}`, () => hook.of('shared').length >= round);
        await sleep(1200);
        assert.equal(hook.of('shared').length, round, `round ${round}: one POST for three workers`);
      }
    } finally {
      await other.stop();
      await eager.stop();
      if (second !== app.services.database) await second.close();
    }
  });

  test('of two instances claiming the same due build at the same moment, one gets it', async () => {
    const second: Database = testProvider === 'postgresql' ? await openDatabase(app.db.url) : app.services.database;
    try {
      // Both read the row before either writes (on SQLite the shared connection interleaves them so).
      const queues = [new SqlRebuildQueue(app.services.database.db), new SqlRebuildQueue(second.db)];
      const sites = [{ siteId: 'quiet', leaseMs: 10_000 }];
      for (let round = 0; round < 5; round++) {
        await app.services.rebuildQueue.request(
          { siteId: 'quiet', reason: 'manual', debounce: { debounceMs: 0, maxWaitMs: 0 } },
          new Date(),
          { manual: true },
        );
        const now = new Date(Date.now() + 10);
        const claims = (await Promise.all(queues.map((q) => q.claimDue(now, sites)))).flat();
        assert.equal(claims.length, 1, `round ${round}`);
        assert.equal(await queues[0]!.complete(claims[0]!, { kind: 'succeeded' }, new Date(), retry), 'succeeded');
      }
    } finally {
      if (second !== app.services.database) await second.close();
    }
  });

  test('the hook URL never reaches the log, only its host', () => {
    const text = JSON.stringify(app.logs);
    assert.doesNotMatch(text, /s3cr3t/);
    assert.match(text, new RegExp(`127\\.0\\.0\\.1:${hook.port}`));
  });

  test('requestRebuild alone (an import, the CLI) asks for one build; a site without a target is told so', async () => {
    const { requestRebuild } = await import('../../src/domain/rebuilds/request-rebuild.js');
    const before = hook.of('debounce').length;
    assert.deepEqual(await requestRebuild(app.services, { siteId: 'debounce', reason: 'import' }), { kind: 'requested' });
    await waitFor('the import build', () => hook.of('debounce').length === before + 1);
    assert.equal(JSON.parse(hook.of('debounce').at(-1)!.body).reason, 'import');
    assert.deepEqual(await requestRebuild(app.services, { siteId: 'quiet', reason: 'import' }), { kind: 'no_target' });
  });
});

describe('rebuild commands', () => {
  test('the argv is run as given: no shell interprets any argument', async () => {
    await approve(await pending('cmd'));
    const out = join(dir, 'args.txt');
    await waitFor('the command to write its file', () => existsSync(out));
    assert.deepEqual(readFileSync(out, 'utf8').split('\n'), [
      out,
      `$(touch ${join(dir, 'pwned')})`,
      'two words; touch injected',
      '`id`',
      '*',
      'site=cmd reason=approved',
      '',
    ]);
    assert.equal(existsSync(join(dir, 'pwned')), false);
    assert.equal(existsSync('injected'), false);
    await waitFor('the success log', () => logsOf('cmd', 'rebuild succeeded').length === 1);
  });

  test('a command running past its timeout is killed with everything it started, and retried', async () => {
    const started = Date.now();
    await approve(await pending('slow'));
    await waitFor('the timeout', () => logsOf('slow', 'rebuild failed, will retry').length >= 1, 8000);
    assert.ok(Date.now() - started < 5000, 'stopped at the 1 s timeout, not after the 30 s sleep');
    assert.match(String(logsOf('slow', 'rebuild failed, will retry')[0]!.error), /timed out after 1 s/);
    const [shell, sleeper] = readFileSync(join(dir, 'pids.txt'), 'utf8').trim().split(' ').map(Number);
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await waitFor('both processes to be gone', () => !alive(shell!) && !alive(sleeper!), 3000);
  });
});

describe('shutdown', () => {
  test('stopping the worker stops the build in progress and leaves it due again, for the next start', async () => {
    const own = startWorker(app.services.rebuildQueue, ['stopme']);
    try {
      await approve(await pending('stopme'));
      const pids = join(dir, 'stopme.txt');
      await waitFor('the build to start', () => existsSync(pids) && readFileSync(pids, 'utf8').includes(' '));
      const started = Date.now();
      await own.stop();
      assert.ok(Date.now() - started < 7000, 'the stop waited for SIGTERM (and at worst SIGKILL), not for the build');
      const [shell] = readFileSync(pids, 'utf8').trim().split(' ').map(Number);
      assert.throws(() => process.kill(shell!, 0), 'the build process is gone');
      const state = await row('stopme');
      assert.equal(state.lastOutcome, 'interrupted');
      assert.equal(state.leasedUntil, null);
      assert.equal(state.attempts, 0, 'an interruption is not a failure of the build');
      assert.ok(state.dueAt && state.dueAt.getTime() <= Date.now(), 'due at once');
    } finally {
      await own.stop();
    }
  });
});

describe('epistle rebuild', () => {
  test('--site runs the build now and says how it went; --status shows it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'epistle-rebuild-cli-'));
    try {
      writeFileSync(
        join(cwd, 'epistle.toml'),
        `[database]\nurl = "${app.db.url}"\n\n[sites.clisite]\nname = "CLI"\norigins = ["https://static.example"]\nrebuild_hook = "${hook.url('clisite')}"\n`,
      );
      const result = await epistle(['rebuild', '--site', 'clisite'], { cwd });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`rebuilding clisite \\(hook on 127\\.0\\.0\\.1:${hook.port}\\)`));
      assert.match(result.stdout, /rebuild of clisite succeeded/);
      assert.doesNotMatch(result.stdout + result.stderr, /s3cr3t/);
      assert.equal(hook.of('clisite').length, 1);
      assert.equal(JSON.parse(hook.of('clisite')[0]!.body).reason, 'manual');
      const status = await epistle(['rebuild', '--status'], { cwd });
      assert.match(status.stdout, /clisite: idle .*\n {2}last build .*: succeeded/);
      const none = await epistle(['rebuild', '--site', 'nope'], { cwd });
      assert.equal(none.code, 1);
      assert.match(none.stderr, /no site "nope"/);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
