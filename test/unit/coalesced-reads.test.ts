// The page-version reads that every read request makes are shared among concurrent requests, but
// a request must never get an answer read before it arrived: a moderation committed by another
// instance just before the request must be seen.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CoalescedReads } from '../../src/db/coalesced-reads.js';

/** A fake table cell whose reads can be held open, to put callers in the middle of a read. */
function slowCell(initial: number) {
  let value = initial;
  let reads = 0;
  let release: (() => void) | undefined;
  let hold = false;
  return {
    set(v: number) {
      value = v;
    },
    get reads() {
      return reads;
    },
    holdNextRead() {
      hold = true;
    },
    release() {
      release?.();
    },
    async read(): Promise<number> {
      reads++;
      const seen = value; // the database answers with what it holds when the query runs
      if (hold) {
        hold = false;
        await new Promise<void>((resolve) => (release = resolve));
      }
      return seen;
    },
  };
}

describe('coalesced reads', () => {
  test('callers arriving together share one query', async () => {
    const cell = slowCell(7);
    const reads = new CoalescedReads<number>();
    const answers = await Promise.all(Array.from({ length: 50 }, () => reads.read('page', () => cell.read())));
    assert.deepEqual(new Set(answers), new Set([7]));
    assert.equal(cell.reads, 1);
  });

  test('a caller arriving during a read waits for a new read, and sees a change made before it came', async () => {
    const cell = slowCell(1);
    const reads = new CoalescedReads<number>();
    cell.holdNextRead();
    const early = reads.read('page', () => cell.read());
    await new Promise((resolve) => setImmediate(resolve)); // the first read has started and holds
    cell.set(2); // e.g. another instance approves a comment
    const late = reads.read('page', () => cell.read());
    const later = reads.read('page', () => cell.read());
    cell.release();
    assert.equal(await early, 1, 'the first caller gets what the database held when it asked');
    assert.equal(await late, 2, 'a later caller is never handed the older answer');
    assert.equal(await later, 2);
    assert.equal(cell.reads, 2, 'the two late callers shared the second read');
  });

  test('different keys are read separately', async () => {
    const reads = new CoalescedReads<string>();
    const [a, b] = await Promise.all([reads.read('a', () => Promise.resolve('A')), reads.read('b', () => Promise.resolve('B'))]);
    assert.equal(a, 'A');
    assert.equal(b, 'B');
  });

  test('a failed read fails its callers only; the next callers get a fresh read', async () => {
    const reads = new CoalescedReads<number>();
    let fail = true;
    const query = () => (fail ? Promise.reject(new Error('database unavailable')) : Promise.resolve(3));
    const failed = await Promise.allSettled([reads.read('k', query), reads.read('k', query)]);
    assert.deepEqual(
      failed.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    fail = false;
    assert.equal(await reads.read('k', query), 3);
  });

  test('a query that throws synchronously is reported, not thrown at the event loop', async () => {
    const reads = new CoalescedReads<number>();
    await assert.rejects(
      reads.read('k', () => {
        throw new Error('boom');
      }),
      /boom/,
    );
  });
});
