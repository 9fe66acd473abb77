// The scheduler's own rules with an in-memory lease table (the real one is in
// test/integration/jobs.test.ts): no overlapping runs in one process, failures recorded and
// logged, and a shutdown that waits for runs in progress only up to its deadline.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Scheduler, type JobLeaseStore, type RunRecord } from '../../src/jobs/scheduler.js';
import type { JobDefinition } from '../../src/jobs/types.js';
import { createLogger } from '../../src/log.js';

class MemoryLeases implements JobLeaseStore {
  readonly rows = new Map<string, { holder: string; until: number; started: number; last?: RunRecord }>();
  acquire(name: string, holder: string, at: { now: Date; until: Date; slot: Date }) {
    const row = this.rows.get(name);
    if (row && (row.until > at.now.getTime() || row.started >= at.slot.getTime())) return Promise.resolve(false);
    this.rows.set(name, { holder, until: at.until.getTime(), started: at.now.getTime(), ...(row?.last ? { last: row.last } : {}) });
    return Promise.resolve(true);
  }
  renew(name: string, holder: string, until: Date) {
    const row = this.rows.get(name);
    if (row?.holder !== holder) return Promise.resolve(false);
    row.until = until.getTime();
    return Promise.resolve(true);
  }
  release(name: string, holder: string, run: RunRecord) {
    const row = this.rows.get(name);
    if (row?.holder === holder) Object.assign(row, { until: 0, last: run });
    return Promise.resolve();
  }
}

function setup(jobs: JobDefinition[]) {
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const leases = new MemoryLeases();
  const scheduler = new Scheduler(jobs, { leases, logger: createLogger('debug', sink), leaseSeconds: 60 });
  return { scheduler, leases, logs };
}

const rarely = '0 0 1 1 *';

describe('scheduler', () => {
  test('a tick that arrives while the previous run of the job is going is skipped', async () => {
    let running = 0;
    let most = 0;
    const { scheduler } = setup([
      {
        name: 'slow',
        schedule: rarely,
        run: async () => {
          most = Math.max(most, ++running);
          await sleep(100);
          running--;
        },
      },
    ]);
    const outcomes = await Promise.all([scheduler.runNow('slow'), scheduler.runNow('slow')]);
    assert.deepEqual(outcomes, ['ran', 'busy']);
    assert.equal(most, 1);
  });

  test('a failing run is logged with its error and duration and recorded; the lease is freed', async () => {
    const { scheduler, leases, logs } = setup([
      {
        name: 'broken',
        schedule: rarely,
        run: () => Promise.reject(new TypeError('no such table')),
      },
    ]);
    assert.equal(await scheduler.runNow('broken'), 'failed');
    const row = leases.rows.get('broken');
    assert.equal(row?.last?.error, 'TypeError: no such table');
    assert.equal(row?.until, 0);
    const line = logs.find((l) => l.msg === 'job failed');
    assert.equal(line?.job, 'broken');
    assert.equal(typeof line?.durationMs, 'number');
    assert.match(JSON.stringify(line?.err), /no such table/);
  });

  test('the scheduler refuses two jobs with one name (they would share a lease)', () => {
    const job = { name: 'twin', schedule: rarely, run: async () => {} };
    assert.throws(() => setup([job, { ...job }]), /two jobs named "twin"/);
  });

  test('stop waits for a run in progress, but not beyond its deadline', async () => {
    let finished = false;
    const { scheduler } = setup([
      {
        name: 'long',
        schedule: rarely,
        run: async () => {
          await sleep(150);
          finished = true;
        },
      },
    ]);
    scheduler.start();
    void scheduler.runNow('long');
    await scheduler.stop(2000);
    assert.equal(finished, true, 'stop returned before the run ended');

    finished = false;
    const late = setup([{ name: 'long', schedule: rarely, run: () => sleep(400).then(() => void (finished = true)) }]);
    void late.scheduler.runNow('long');
    const started = Date.now();
    await late.scheduler.stop(50);
    assert.ok(Date.now() - started < 300, 'stop waited past its deadline');
    assert.equal(finished, false);
    assert.ok(late.logs.some((l) => l.msg === 'jobs still running at shutdown'));
    await sleep(400);
  });

  test('a job runs on its node-cron schedule (seconds field)', async () => {
    let runs = 0;
    const { scheduler } = setup([{ name: 'tick', schedule: '* * * * * *', run: () => Promise.resolve(void runs++) }]);
    scheduler.start();
    await sleep(1300);
    await scheduler.stop(1000);
    assert.ok(runs >= 1, `${runs} runs in 1.3 s`);
  });
});
