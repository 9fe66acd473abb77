// The reminder and digest use cases with fakes, for what a real database cannot easily show: a
// reminder that could not be queued leaves its comments to the next run, and one site's failure
// does not keep the other sites' moderators uninformed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Outbox, OutgoingMail } from '../../src/domain/mail/ports.js';
import { handleStalePending } from '../../src/domain/maintenance/handle-stale-pending.js';
import { excerpt } from '../../src/domain/maintenance/pending-mail.js';
import type { MaintenanceStore, PendingSummary } from '../../src/domain/maintenance/ports.js';
import { sendDigest } from '../../src/domain/maintenance/send-digest.js';
import type { CommentStore } from '../../src/domain/ports.js';
import { SiteDirectory } from '../../src/domain/sites.js';
import type { Site } from '../../src/domain/types.js';

const now = new Date('2025-06-01T09:00:00Z');
const site = (id: string): Site => ({
  id,
  name: id.toUpperCase(),
  origins: [`https://${id}.example`],
  moderators: [`mod@${id}.example`],
  locale: 'en',
  ownerName: id,
  requireDkim: false,
  limits: { ratePerMinute: 5, authorLength: 100, emailLength: 254, websiteLength: 300, bodyLength: 10_000 },
});

class FakeStore implements Partial<MaintenanceStore> {
  reminded = new Map<number, Date>();
  constructor(readonly pending: PendingSummary[]) {}
  pendingOf(siteId: string, f: { createdBefore?: Date; notReminded?: boolean; limit: number }) {
    return Promise.resolve(
      this.pending
        .filter(
          (c) => c.siteId === siteId && (!f.createdBefore || c.createdAt < f.createdBefore) && (!f.notReminded || !this.reminded.has(c.id)),
        )
        .slice(0, f.limit),
    );
  }
  countPending(siteId: string) {
    return Promise.resolve(this.pending.filter((c) => c.siteId === siteId).length);
  }
  markReminded(ids: number[], at: Date) {
    const fresh = ids.filter((id) => !this.reminded.has(id));
    for (const id of fresh) this.reminded.set(id, at);
    return Promise.resolve(fresh);
  }
  clearReminded(ids: number[], at: Date) {
    for (const id of ids) if (this.reminded.get(id) === at) this.reminded.delete(id);
    return Promise.resolve();
  }
}

class FakeOutbox implements Outbox {
  sent: OutgoingMail[] = [];
  failFor = new Set<string>();
  enqueue(mail: OutgoingMail) {
    if (this.failFor.has(mail.siteId)) return Promise.reject(new Error('database is locked'));
    this.sent.push(mail);
    return Promise.resolve({ id: this.sent.length, messageId: `<${this.sent.length}@test>` });
  }
}

const comment = (id: number, siteId: string, ageDays: number): PendingSummary => ({
  id,
  siteId,
  pageUrl: `https://${siteId}.example/p`,
  author: 'Ann',
  body: `comment ${id}`,
  createdAt: new Date(now.getTime() - ageDays * 86_400_000),
});

function deps(store: FakeStore, outbox: FakeOutbox) {
  const quiet = { info: () => {}, warn: () => {} };
  return {
    sites: new SiteDirectory([site('a'), site('b')]),
    maintenance: store as unknown as MaintenanceStore,
    outbox,
    store: {} as CommentStore,
    renderer: { render: (s: string) => s },
    clock: { now: () => now },
    logger: quiet,
  };
}

describe('reminders and digest', () => {
  test('a reminder that cannot be queued is retried next run; other sites are reminded meanwhile', async () => {
    const store = new FakeStore([comment(1, 'a', 20), comment(2, 'b', 20), comment(3, 'b', 2)]);
    const outbox = new FakeOutbox();
    outbox.failFor.add('a');
    await assert.rejects(handleStalePending(deps(store, outbox), { pendingDays: 14, action: 'remind' }), /1 site\(s\) failed/);
    assert.deepEqual(
      outbox.sent.map((m) => [
        m.siteId,
        m.kind,
        m.template,
        m.to,
        (m.data.comments as Array<{ commentId: number }>).map((c) => c.commentId),
      ]),
      [['b', 'reminder', 'reminder', ['mod@b.example'], [2]]],
    );
    assert.deepEqual([...store.reminded.keys()], [2], 'site a is not marked reminded');
    outbox.failFor.clear();
    await handleStalePending(deps(store, outbox), { pendingDays: 14, action: 'remind' });
    assert.deepEqual(
      outbox.sent.map((m) => m.siteId),
      ['b', 'a'],
    );
  });

  test('the digest counts every pending comment of the site and says when the list is cut', async () => {
    const store = new FakeStore(Array.from({ length: 120 }, (_, i) => comment(i + 1, 'a', 1)));
    const outbox = new FakeOutbox();
    await sendDigest(deps(store, outbox));
    const data = outbox.sent[0]?.data as { count: number; shown: number; truncated: boolean; comments: unknown[] };
    assert.deepEqual([outbox.sent.length, data.count, data.shown, data.truncated, data.comments.length], [1, 120, 100, true, 100]);
  });

  test('an excerpt is one line of at most 200 characters', () => {
    assert.equal(excerpt('  a\n\n b  '), 'a b');
    const long = excerpt('x'.repeat(500));
    assert.equal(long.length, 200);
    assert.ok(long.endsWith('…'));
  });
});
