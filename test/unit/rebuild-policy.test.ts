// When a site's static build runs: the debounce and backoff rules, on a fake clock.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  afterManualRequest,
  afterRequest,
  afterRun,
  debouncePolicy,
  idleSchedule,
  retryDelay,
  type RebuildSchedule,
  type RetryPolicy,
} from '../../src/domain/rebuilds/policy.js';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(t0 + seconds * 1000);
const seconds = (d: Date | null) => (d === null ? null : (d.getTime() - t0) / 1000);
const policy = debouncePolicy(60);
const retry: RetryPolicy = { baseMs: 30_000, maxMs: 120_000, maxAttempts: 4 };

/** Applies requests at the given seconds to an idle site. */
function requests(...times: number[]): RebuildSchedule {
  return times.reduce((state, s) => afterRequest(state, at(s), policy), idleSchedule);
}

describe('rebuild debounce', () => {
  test('a first change makes a build due one debounce later', () => {
    const state = requests(10);
    assert.equal(seconds(state.dueAt), 70);
    assert.equal(seconds(state.pendingSince), 10);
  });

  test('ten changes within the window make one build, due a debounce after the last one', () => {
    const state = requests(0, 5, 10, 15, 20, 25, 30, 35, 40, 45);
    assert.equal(seconds(state.dueAt), 105);
    assert.equal(seconds(state.pendingSince), 0, 'the build carries every change since the first');
  });

  test('a steady stream of changes still builds, ten windows after the first change', () => {
    // One change every 50 s never leaves 60 s of quiet; the cap (ten windows) is reached at 600 s.
    const times = Array.from({ length: 12 }, (_, i) => i * 50);
    const state = requests(...times);
    assert.equal(seconds(state.dueAt), 600);
  });

  test('a change never brings a build forward (a retry waiting out its backoff keeps its time)', () => {
    const waiting: RebuildSchedule = { dueAt: at(500), pendingSince: null, attempts: 2 };
    const state = afterRequest(waiting, at(100), policy);
    assert.equal(seconds(state.dueAt), 500);
    assert.equal(state.attempts, 2, 'the hook is still failing: the attempts go on counting');
  });

  test('debounce 0 builds at once', () => {
    const state = afterRequest(idleSchedule, at(3), debouncePolicy(0));
    assert.equal(seconds(state.dueAt), 3);
  });

  test('a change after a build gave up starts over with fresh attempts', () => {
    const gaveUp: RebuildSchedule = { dueAt: null, pendingSince: null, attempts: 4 };
    const state = afterRequest(gaveUp, at(0), policy);
    assert.deepEqual([seconds(state.dueAt), state.attempts], [60, 0]);
  });

  test('a build by hand is due at once', () => {
    const state = afterManualRequest(requests(0), at(5));
    assert.equal(seconds(state.dueAt), 5);
  });
});

describe('rebuild outcome', () => {
  // The queue clears dueAt when a build is claimed: a dueAt seen afterwards is a change made during it.
  const claimed: RebuildSchedule = { dueAt: null, pendingSince: null, attempts: 0 };

  test('success leaves nothing to do', () => {
    const { schedule, outcome } = afterRun(claimed, 0, { kind: 'succeeded' }, at(100), retry);
    assert.equal(outcome, 'succeeded');
    assert.deepEqual(schedule, idleSchedule);
  });

  test('a change during the build schedules exactly one more build after it', () => {
    const changed = afterRequest(claimed, at(90), policy);
    const { schedule } = afterRun(changed, 0, { kind: 'succeeded' }, at(100), retry);
    assert.equal(seconds(schedule.dueAt), 150);
  });

  test('failures are retried with exponential backoff, capped, then given up', () => {
    let state: RebuildSchedule = claimed;
    const delays: number[] = [];
    const outcomes: string[] = [];
    for (let attempts = 0; attempts < retry.maxAttempts; attempts++) {
      const { schedule, outcome } = afterRun({ ...state, dueAt: null }, attempts, { kind: 'failed', error: 'HTTP 500' }, at(1000), retry);
      outcomes.push(outcome);
      if (schedule.dueAt) delays.push(seconds(schedule.dueAt)! - 1000);
      state = schedule;
    }
    assert.deepEqual(delays, [30, 60, 120]);
    assert.deepEqual(outcomes, ['retrying', 'retrying', 'retrying', 'failed']);
    assert.equal(state.dueAt, null, 'given up: nothing due until the next change');
  });

  test('giving up does not drop a change made during the last try', () => {
    const changed = afterRequest(claimed, at(990), policy);
    const { schedule, outcome } = afterRun(changed, retry.maxAttempts - 1, { kind: 'failed', error: 'x' }, at(1000), retry);
    assert.equal(outcome, 'failed');
    assert.deepEqual([seconds(schedule.dueAt), schedule.attempts], [1050, 0]);
  });

  test('a retry waits for the later of its backoff and a change made meanwhile', () => {
    const changed = afterRequest(claimed, at(995), policy);
    const { schedule } = afterRun(changed, 0, { kind: 'failed', error: 'x' }, at(1000), retry);
    assert.equal(seconds(schedule.dueAt), 1055);
    assert.equal(schedule.attempts, 1);
  });

  test('a build interrupted by a shutdown is due again at once, without counting as a failure', () => {
    const { schedule, outcome } = afterRun(claimed, 2, { kind: 'interrupted' }, at(100), retry);
    assert.equal(outcome, 'interrupted');
    assert.deepEqual([seconds(schedule.dueAt), schedule.attempts], [100, 2]);
  });

  test('retryDelay doubles from the base and stops at the cap', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 10].map((n) => retryDelay(n, retry)),
      [30_000, 60_000, 120_000, 120_000, 120_000],
    );
  });
});
