// The scheduled jobs on a real database: what retention, reminders and the digest do to comments
// and the outbox, the database lease that keeps two instances from running a job at once, and the
// scheduler running the retention job on its schedule next to a running server.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqlJobLeases } from '../../src/db/job-leases.js';
import { buildJobs, type JobServices } from '../../src/jobs/registry.js';
import { Scheduler, type JobLeaseStore } from '../../src/jobs/scheduler.js';
import { startScheduler } from '../../src/jobs/start.js';
import { postJson, startTestApp, type TestApp } from '../support/app.js';

let app: TestApp;
const day = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * day);

before(async () => {
  app = await startTestApp((t) => {
    t.sites.lyon = { name: 'Lyon', origins: ['https://lyon.example'], moderators: ['mod@lyon.example'], locale: 'fr' };
    t.sites.quiet = { name: 'Quiet', origins: ['https://quiet.example'], moderators: ['mod@quiet.example'] };
    t.sites.nomod = { name: 'No moderators', origins: ['https://nomod.example'] };
  });
});
after(() => app.stop());

beforeEach(async () => {
  const db = app.services.database.db;
  await db.deleteFrom('Comment').execute();
  await db.deleteFrom('Outbox').execute();
  await db.deleteFrom('JobLease').execute();
  await db.deleteFrom('RateLimit').execute();
});

const origin: Record<string, string> = {
  demo: 'http://localhost:8080',
  lyon: 'https://lyon.example',
  quiet: 'https://quiet.example',
  nomod: 'https://nomod.example',
};

async function seed(
  siteId: string,
  c: { status?: string; ageDays: number; decidedDaysAgo?: number; ip?: string | null; author?: string },
): Promise<number> {
  const db = app.services.database.db;
  const url = `${origin[siteId]}/jobs`;
  const page = await db
    .insertInto('Page')
    .values({ siteId, url, createdAt: new Date() })
    .onConflict((oc) => oc.columns(['siteId', 'url']).doUpdateSet({ url }))
    .returning('id')
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto('Comment')
    .values({
      pageId: page.id,
      author: c.author ?? 'Ann',
      body: 'Some   words\n\nof a comment',
      status: c.status ?? 'pending',
      clientIp: c.ip === undefined ? '203.0.113.7' : c.ip,
      token: randomBytes(32).toString('hex'),
      createdAt: ago(c.ageDays),
      updatedAt: new Date(),
      decidedAt: c.decidedDaysAgo === undefined ? null : ago(c.decidedDaysAgo),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

function services(retention: Partial<JobServices['config']['retention']> = {}): JobServices {
  const config = app.services.config;
  return { ...app.services, config: { ...config, retention: { ...config.retention, ...retention } } };
}

async function runJob(name: string, retention: Partial<JobServices['config']['retention']> = {}): Promise<void> {
  const job = buildJobs(services(retention)).find((j) => j.name === name);
  assert.ok(job, `no job ${name}`);
  await job.run();
}

const ids = async () => (await app.services.database.db.selectFrom('Comment').select('id').orderBy('id', 'asc').execute()).map((r) => r.id);

async function mails(kind: string) {
  const rows = await app.services.database.db.selectFrom('Outbox').selectAll().where('kind', '=', kind).orderBy('id', 'asc').execute();
  return rows.map((r) => ({ siteId: r.siteId, to: r.recipients, payload: JSON.parse(r.payload) as { locale: string; data: any } }));
}

test('the registry lists every job with its schedule from [jobs]; the IMAP poll only with a mailbox watcher', async () => {
  let polled = 0;
  const watcher = {
    pollOnce: () => {
      polled++;
      return Promise.resolve();
    },
  };
  const jobs = buildJobs(services({ digest: true }), { watcher });
  const { jobs: schedules } = app.services.config;
  assert.deepEqual(
    jobs.map((j) => [j.name, j.schedule]),
    [
      ['imap_poll', schedules.imap_poll],
      ['outbox_retry', schedules.outbox_retry],
      ['retention', schedules.retention],
      ['reminders', schedules.reminders],
      ['digest', schedules.digest],
    ],
  );
  await jobs[0]?.run();
  assert.equal(polled, 1);
  assert.deepEqual(
    buildJobs(services()).map((j) => j.name),
    ['outbox_retry', 'retention', 'reminders'],
  );
});

describe('retention', () => {
  test('dropped comments go after 30 days and spam after 7, counted from the decision; others stay', async () => {
    const oldDropped = await seed('demo', { status: 'dropped', ageDays: 60, decidedDaysAgo: 31 });
    const recentDrop = await seed('demo', { status: 'dropped', ageDays: 60, decidedDaysAgo: 29 });
    const oldSpam = await seed('demo', { status: 'spam', ageDays: 9, decidedDaysAgo: 8 });
    const recentSpam = await seed('demo', { status: 'spam', ageDays: 30, decidedDaysAgo: 6 });
    const approved = await seed('demo', { status: 'approved', ageDays: 400, decidedDaysAgo: 399 });
    const pending = await seed('demo', { ageDays: 400 });
    await runJob('retention');
    assert.deepEqual(await ids(), [recentDrop, recentSpam, approved, pending]);
    assert.ok(!(await ids()).includes(oldDropped) && !(await ids()).includes(oldSpam));
  });

  test('a purged comment with published replies changes their thread: the page version moves so caches rebuild', async () => {
    const db = app.services.database.db;
    const parent = await seed('demo', { status: 'dropped', ageDays: 60, decidedDaysAgo: 40 });
    const reply = await seed('demo', { status: 'approved', ageDays: 59, decidedDaysAgo: 59 });
    await db.updateTable('Comment').set({ parentId: parent, html: '<p>reply</p>' }).where('id', '=', reply).execute();
    const before = await app.services.store.pageVersion('demo', 'http://localhost:8080/jobs');
    await runJob('retention');
    assert.equal((await db.selectFrom('Comment').select('parentId').where('id', '=', reply).executeTakeFirstOrThrow()).parentId, null);
    const after = await app.services.store.pageVersion('demo', 'http://localhost:8080/jobs');
    assert.ok(before && after && after.version > before.version, 'page version bumped');
  });

  test('sent and failed mail and handled-reply records go after 90 days; pending mail and live claims stay', async () => {
    const db = app.services.database.db;
    const mail = (messageId: string, status: string, ageDays: number) =>
      db
        .insertInto('Outbox')
        .values({
          kind: 'notification',
          siteId: 'demo',
          recipients: 'owner@example.test',
          messageId,
          payload: '{}',
          status,
          createdAt: ago(ageDays),
          nextAttemptAt: ago(ageDays),
        })
        .execute();
    await mail('<old-sent@t>', 'sent', 91);
    await mail('<old-failed@t>', 'failed', 120);
    await mail('<old-pending@t>', 'pending', 120);
    await mail('<recent-sent@t>', 'sent', 89);
    await db
      .insertInto('ProcessedMail')
      .values([
        { messageId: '<old-reply@t>', outcome: 'applied', processedAt: ago(91) },
        { messageId: '<old-claim@t>', outcome: 'processing', processedAt: ago(91) },
        { messageId: '<recent-reply@t>', outcome: 'applied', processedAt: ago(10) },
      ])
      .execute();
    await runJob('retention');
    assert.deepEqual(
      (await db.selectFrom('Outbox').select('messageId').orderBy('messageId', 'asc').execute()).map((r) => r.messageId),
      ['<old-pending@t>', '<recent-sent@t>'],
    );
    assert.deepEqual(
      (await db.selectFrom('ProcessedMail').select('messageId').orderBy('messageId', 'asc').execute()).map((r) => r.messageId),
      ['<old-claim@t>', '<recent-reply@t>'],
    );
    await runJob('retention', { mail_days: 0 });
    assert.equal((await db.selectFrom('Outbox').select('id').execute()).length, 2, 'mail_days = 0 keeps everything');
    await db.deleteFrom('ProcessedMail').execute();
  });

  test('0 days keeps dropped comments and spam forever', async () => {
    const kept = [
      await seed('demo', { status: 'dropped', ageDays: 900, decidedDaysAgo: 900 }),
      await seed('demo', { status: 'spam', ageDays: 900, decidedDaysAgo: 900 }),
    ];
    await runJob('retention', { dropped_days: 0, spam_days: 0 });
    assert.deepEqual(await ids(), kept);
  });

  test('reader addresses are erased after 30 days and kept before; old rate-limit windows go', async () => {
    const old = await seed('demo', { status: 'approved', ageDays: 31, decidedDaysAgo: 30 });
    const recent = await seed('demo', { ageDays: 29 });
    const db = app.services.database.db;
    await db
      .insertInto('RateLimit')
      .values({ key: 'comment:demo:203.0.113.7', windowStart: ago(2).getTime(), count: 1 })
      .execute();
    await db.insertInto('RateLimit').values({ key: 'comment:demo:203.0.113.8', windowStart: Date.now(), count: 1 }).execute();
    await runJob('retention');
    const rows = await db.selectFrom('Comment').select(['id', 'clientIp']).orderBy('id', 'asc').execute();
    assert.deepEqual(rows, [
      { id: old, clientIp: null },
      { id: recent, clientIp: '203.0.113.7' },
    ]);
    assert.deepEqual(
      (await db.selectFrom('RateLimit').select('key').execute()).map((r) => r.key),
      ['comment:demo:203.0.113.8'],
    );
  });
});

describe('stale pending comments', () => {
  test('reminders list each stale comment once, per site, in the site language', async () => {
    const staleDemo = [await seed('demo', { ageDays: 20, author: 'Old <one>' }), await seed('demo', { ageDays: 15 })];
    await seed('demo', { ageDays: 13 }); // not stale yet
    const staleLyon = await seed('lyon', { ageDays: 30 });
    await seed('nomod', { ageDays: 30 }); // nobody to remind
    await runJob('reminders');
    const sent = await mails('reminder');
    assert.deepEqual(
      sent.map((m) => [m.siteId, m.to, m.payload.locale, m.payload.data.count, m.payload.data.comments.map((c: any) => c.commentId)]),
      [
        ['demo', 'owner@example.test', 'en', 2, staleDemo],
        ['lyon', 'mod@lyon.example', 'fr', 1, [staleLyon]],
      ],
    );
    const listed = sent[0]?.payload.data.comments[0];
    assert.deepEqual(
      [listed.author, listed.excerpt, listed.pageUrl],
      ['Old <one>', 'Some words of a comment', 'http://localhost:8080/jobs'],
    );

    await runJob('reminders');
    assert.equal((await mails('reminder')).length, 2, 'a second run reminds of nothing already reminded');
    const later = await seed('demo', { ageDays: 16 });
    await runJob('reminders');
    const third = (await mails('reminder')).at(-1);
    assert.deepEqual(
      third?.payload.data.comments.map((c: any) => c.commentId),
      [later],
    );
  });

  test('drop mode drops stale pending comments as a moderator would; fresh ones stay pending', async () => {
    const stale = await seed('demo', { ageDays: 15 });
    const fresh = await seed('demo', { ageDays: 1 });
    await runJob('reminders', { pending_action: 'drop' });
    const rows = await app.services.database.db.selectFrom('Comment').selectAll().orderBy('id', 'asc').execute();
    assert.deepEqual(
      rows.map((r) => [r.id, r.status, r.decidedAt !== null]),
      [
        [stale, 'dropped', true],
        [fresh, 'pending', false],
      ],
    );
    assert.equal((await mails('reminder')).length, 0);
  });

  test('"none" registers no reminder job at all', () => {
    assert.equal(
      buildJobs(services({ pending_action: 'none' })).find((j) => j.name === 'reminders'),
      undefined,
    );
  });
});

describe('digest', () => {
  test('one digest per site that has pending comments, none for the others, none when disabled', async () => {
    assert.equal(
      buildJobs(services()).find((j) => j.name === 'digest'),
      undefined,
      'off by default',
    );
    const pending = [await seed('lyon', { ageDays: 3 }), await seed('lyon', { ageDays: 0 })];
    await seed('lyon', { status: 'approved', ageDays: 3, decidedDaysAgo: 2 });
    await seed('nomod', { ageDays: 1 });
    await runJob('digest', { digest: true });
    const sent = await mails('digest');
    assert.deepEqual(
      sent.map((m) => [m.siteId, m.to, m.payload.locale, m.payload.data.count, m.payload.data.comments.map((c: any) => c.commentId)]),
      [['lyon', 'mod@lyon.example', 'fr', 2, pending]],
    );
  });
});

/** Wraps a lease store to count what each acquisition attempt got. */
function counting(store: JobLeaseStore, tally: boolean[]): JobLeaseStore {
  return {
    acquire: async (...args) => {
      const won = await store.acquire(...args);
      tally.push(won);
      return won;
    },
    renew: (...args) => store.renew(...args),
    release: (...args) => store.release(...args),
  };
}

describe('the job lease', () => {
  let second: TestApp;
  before(async () => {
    second = await startTestApp(() => {}, { database: app.db });
  });
  after(() => second.stop());

  async function race(sleepMs: number, seconds: number) {
    const runs: Array<{ holder: string; start: number; end: number }> = [];
    const tallies: boolean[][] = [[], []];
    const schedulers = [app, second].map((instance, i) => {
      const scheduler: Scheduler = new Scheduler(
        [
          {
            name: 'race',
            schedule: '*/1 * * * * *',
            run: async () => {
              const start = Date.now();
              await sleep(sleepMs);
              runs.push({ holder: scheduler.holder, start, end: Date.now() });
            },
          },
        ],
        {
          leases: counting(new SqlJobLeases(instance.services.database.db), tallies[i] ?? []),
          logger: instance.services.logger,
          leaseSeconds: 30,
        },
      );
      return scheduler;
    });
    for (const s of schedulers) s.start();
    await sleep(seconds * 1000);
    await Promise.all(schedulers.map((s) => s.stop(5000)));
    return { runs: runs.sort((a, b) => a.start - b.start), tallies };
  }

  test('two instances never run a job at the same time', async () => {
    // Each run outlasts the next tick: the holder skips it in process, the other finds the lease taken.
    const { runs, tallies } = await race(1300, 5);
    assert.ok(runs.length >= 2, `only ${runs.length} runs`);
    for (let i = 1; i < runs.length; i++) {
      assert.ok((runs[i]?.start ?? 0) >= (runs[i - 1]?.end ?? 0), `run ${i} started before run ${i - 1} ended`);
    }
    assert.ok(tallies[1]?.includes(false) || tallies[0]?.includes(false), 'the instances did compete for the lease');
  });

  test('a quick job runs once per tick across instances, and the lease row records the runs', async () => {
    const { runs, tallies } = await race(50, 4);
    const seconds = runs.map((r) => Math.floor(r.start / 1000));
    assert.ok(runs.length >= 3, `only ${runs.length} runs`);
    assert.deepEqual(seconds, [...new Set(seconds)], 'two runs in the same tick');
    assert.ok((tallies[0]?.length ?? 0) >= 3 && (tallies[1]?.length ?? 0) >= 3, 'both instances tried each tick');
    assert.equal(tallies.flat().filter(Boolean).length, runs.length);
    const lease = await new SqlJobLeases(app.services.database.db).get('race');
    assert.ok(lease?.lastStartedAt && lease.lastFinishedAt && lease.lastFinishedAt >= lease.lastStartedAt);
    assert.ok((lease.lastDurationMs ?? 0) >= 50);
    assert.equal(lease.lastError, null);
    assert.ok(lease.leasedUntil.getTime() <= Date.now(), 'released at the end of the run');
  });

  test('a tick one instance already ran is not run again by a slower one; a dead holder loses the lease when it expires', async () => {
    const a = new SqlJobLeases(app.services.database.db);
    const b = new SqlJobLeases(second.services.database.db);
    const tick = new Date(Math.floor(Date.now() / 1000) * 1000);
    const at = (ms: number) => new Date(tick.getTime() + ms);
    assert.equal(await a.acquire('tick', 'A', { now: at(5), until: at(30_005), slot: tick }), true);
    assert.equal(await b.acquire('tick', 'B', { now: at(6), until: at(30_006), slot: tick }), false, 'held');
    await a.release('tick', 'A', { finishedAt: at(10), durationMs: 5, error: null });
    assert.equal(await b.acquire('tick', 'B', { now: at(20), until: at(30_020), slot: tick }), false, 'same tick, already run');
    const next = at(1000);
    assert.equal(await b.acquire('tick', 'B', { now: at(1001), until: at(1002), slot: next }), true, 'next tick');
    // B "crashes" without releasing: A gets the lease once it has expired, not before.
    assert.equal(await a.acquire('tick', 'A', { now: at(1001), until: at(31_001), slot: at(2000) }), false);
    assert.equal(await a.acquire('tick', 'A', { now: at(2001), until: at(32_001), slot: at(2000) }), true);
    assert.equal(await b.renew('tick', 'B', at(40_000)), false, 'the lost holder cannot extend it');
  });

  test('a failing run is logged and recorded, and the next run still happens', async () => {
    let calls = 0;
    const scheduler = new Scheduler(
      [
        {
          name: 'flaky',
          schedule: '0 0 1 1 *',
          run: () => {
            calls++;
            return calls === 1 ? Promise.reject(new Error('disk on fire')) : Promise.resolve();
          },
        },
      ],
      { leases: new SqlJobLeases(app.services.database.db), logger: app.services.logger, leaseSeconds: 30 },
    );
    const leases = new SqlJobLeases(app.services.database.db);
    assert.equal(await scheduler.runNow('flaky'), 'failed');
    assert.match((await leases.get('flaky'))?.lastError ?? '', /disk on fire/);
    assert.ok(app.logs.some((l) => l.msg === 'job failed' && l.job === 'flaky'));
    await sleep(5); // a later start than the failed run's
    assert.equal(await scheduler.runNow('flaky'), 'ran');
    assert.equal((await leases.get('flaky'))?.lastError, null);
    assert.equal(calls, 2);
  });
});

test('in a running server, the retention job runs on its schedule and erases addresses and purges', async () => {
  const live = await startTestApp((t) => {
    t.jobs = { retention: '*/1 * * * * *' };
  });
  try {
    const posted = await postJson(live, '/api/sites/demo/comments', { url: 'http://localhost:8080/live', author: 'Ann', body: 'Hi' });
    assert.equal(posted.status, 202);
    const { id } = (await posted.json()) as { id: number };
    const db = live.services.database.db;
    const clientIp = async (commentId: number) =>
      (await db.selectFrom('Comment').select('clientIp').where('id', '=', commentId).executeTakeFirstOrThrow()).clientIp;
    assert.ok(await clientIp(id), 'the address was stored');
    await db
      .updateTable('Comment')
      .set({ createdAt: ago(31) })
      .where('id', '=', id)
      .execute();
    const page = await db.selectFrom('Page').select('id').where('siteId', '=', 'demo').executeTakeFirstOrThrow();
    const now = new Date();
    const spam = await db
      .insertInto('Comment')
      .values({
        pageId: page.id,
        author: 'Bot',
        body: 'Buy',
        status: 'spam',
        token: randomBytes(32).toString('hex'),
        decidedAt: ago(8),
        createdAt: now,
        updatedAt: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    const scheduler = startScheduler(live.services);
    assert.ok(scheduler);
    try {
      // Done when the run has logged its end; then its effects must be in the database.
      const finished = () => live.logs.some((l) => l.msg === 'job finished' && l.job === 'retention');
      const deadline = Date.now() + 8000;
      while (!finished() && Date.now() < deadline) await sleep(100);
      assert.ok(
        finished(),
        `the retention job did not finish within 8 s: ${JSON.stringify(live.logs.filter((l) => l.component === 'jobs'))}`,
      );
      assert.equal(await clientIp(id), null, 'address erased');
      assert.equal(await db.selectFrom('Comment').select('id').where('id', '=', spam.id).executeTakeFirst(), undefined, 'old spam purged');
    } finally {
      await scheduler.stop(5000);
    }
  } finally {
    await live.stop();
  }
});
