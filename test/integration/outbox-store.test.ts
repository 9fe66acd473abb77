// The outbox at the storage level, on SQLite and on PostgreSQL: a comment and its notification
// are written together or not at all, and rows are claimed by one sender at a time.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openDatabase, type Database } from '../../src/db/client.js';
import { defaultRetryPolicy, SqlOutbox } from '../../src/db/outbox.js';
import { notificationMessageId, parseNotificationMessageId } from '../../src/domain/mail/notification.js';
import type { OutgoingMail } from '../../src/domain/mail/ports.js';
import { newModerationToken } from '../../src/domain/tokens.js';
import { pageUrl, postJson, startTestApp, type TestApp } from '../support/app.js';
import { testProvider } from '../support/database.js';

function mail(over: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    kind: 'help',
    siteId: 'demo',
    commentId: null,
    to: ['owner@example.test'],
    template: 'help',
    locale: 'en',
    data: { commentId: 1, received: 'x' },
    ...over,
  };
}

describe('outbox storage', () => {
  let app: TestApp;
  let second: Database;
  before(async () => {
    app = await startTestApp();
    // Another connection to the same database, as a second instance would have. Not on SQLite:
    // better-sqlite3 waits for a lock synchronously, so two connections writing from one process
    // deadlock (two processes do not); there both claimers share one connection and interleave.
    second = testProvider === 'postgresql' ? await openDatabase(app.db.url) : app.services.database;
  });
  after(async () => {
    if (second !== app.services.database) await second.close();
    await app.stop();
  });

  test('a posted comment is stored with its notification row and Message-ID, in one go', async () => {
    const res = await postJson(app, '/api/sites/demo/comments', { url: pageUrl, author: 'Ann', body: 'Hi' });
    assert.equal(res.status, 202);
    const { id } = (await res.json()) as { id: number };
    const db = app.services.database.db;
    const row = await db.selectFrom('Comment').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const outbox = await db.selectFrom('Outbox').selectAll().where('commentId', '=', id).execute();
    assert.equal(outbox.length, 1);
    assert.equal(outbox[0]?.kind, 'notification');
    assert.equal(outbox[0]?.status, 'pending');
    assert.equal(outbox[0]?.recipients, 'owner@example.test');
    assert.equal(row.notificationMessageId, outbox[0]?.messageId);
    assert.deepEqual(parseNotificationMessageId(row.notificationMessageId ?? ''), { commentId: id, token: row.token });
  });

  test('when the notification cannot be stored, the comment is not stored either', async () => {
    const token = newModerationToken();
    const taken = notificationMessageId(999_999, token, 'example.test');
    await app.services.outbox.enqueue(mail({ messageId: taken }));
    const input = {
      siteId: 'demo',
      pageUrl,
      parentId: null,
      author: 'Rolled back',
      email: null,
      website: null,
      body: 'never stored',
      clientIp: null,
      token,
    };
    await assert.rejects(app.services.store.createComment(input, () => mail({ kind: 'notification', messageId: taken })));
    assert.equal((await app.services.database.db.selectFrom('Comment').select('id').where('token', '=', token).execute()).length, 0);
  });

  test('enqueuing the same fixed Message-ID twice queues one mail', async () => {
    const fixed = '<same.twice@example.test>';
    const a = await app.services.outbox.enqueue(mail({ messageId: fixed }));
    const b = await app.services.outbox.enqueue(mail({ messageId: fixed }));
    assert.equal(a.id, b.id);
    assert.equal((await app.services.database.db.selectFrom('Outbox').select('id').where('messageId', '=', fixed).execute()).length, 1);
  });

  test('two instances claiming at the same time never get the same row', async () => {
    await app.services.database.db.updateTable('Outbox').set({ status: 'sent' }).where('status', '=', 'pending').execute();
    const ids = new Set<number>();
    for (let i = 0; i < 30; i++) ids.add((await app.services.outbox.enqueue(mail())).id);
    const one = new SqlOutbox(app.services.database.db, 'example.test');
    const two = new SqlOutbox(second.db, 'example.test');
    const now = new Date();
    // A burst: four claims read the same candidates; each row goes to one of them.
    const burst = (await Promise.all([one, two, one, two].map((o) => o.claimDue(now, 4, 60_000)))).flat().map((r) => r.id);
    assert.equal(new Set(burst).size, burst.length, 'a row was claimed twice in the burst');
    // Then two workers claim small batches at the same time until nothing is left for them.
    const worker = async (outbox: SqlOutbox) => {
      const mine: number[] = [];
      for (let got = -1; got !== 0;) {
        const rows = await outbox.claimDue(now, 5, 60_000);
        got = rows.length;
        mine.push(...rows.map((r) => r.id));
      }
      return mine;
    };
    const [a, b] = await Promise.all([worker(one), worker(two)]);
    const claimed = [...burst, ...a, ...b];
    assert.equal(new Set(claimed).size, claimed.length, 'a row was claimed twice');
    assert.deepEqual(new Set(claimed), ids);
    // Leased rows are not due again until the lease runs out; then another instance may take them.
    assert.equal((await two.claimDue(new Date(), 50, 60_000)).length, 0);
    const later = new Date(now.getTime() + 61_000);
    assert.equal((await two.claimDue(later, 50, 60_000)).length, 30);
  });

  test('a failed try backs off exponentially, and the last one marks the mail failed', async () => {
    const outbox = app.services.outbox;
    const { id } = await outbox.enqueue(mail());
    const policy = { ...defaultRetryPolicy, maxAttempts: 3 };
    let now = new Date(Date.now() + 3_600_000); // later than every other row's lease in this file
    const delays: number[] = [];
    let status = 'pending';
    while (status === 'pending') {
      const row = (await outbox.claimDue(now, 100, 60_000)).find((r) => r.id === id);
      assert.ok(row, 'the row is due');
      status = await outbox.markAttemptFailed(row, '451 try later', now, policy);
      const stored = await outbox.find(id);
      delays.push((stored?.nextAttemptAt.getTime() ?? 0) - now.getTime());
      now = stored?.nextAttemptAt ?? now;
    }
    const stored = await outbox.find(id);
    assert.equal(stored?.status, 'failed');
    assert.equal(stored?.attempts, 3);
    assert.equal(stored?.lastError, '451 try later');
    assert.deepEqual(delays.slice(0, 2), [30_000, 60_000]);
    assert.ok((await outbox.list({ status: 'failed', limit: 10 })).some((r) => r.id === id));
    assert.equal(await outbox.retryFailed(id), 1);
    assert.equal((await outbox.find(id))?.status, 'pending');
  });
});
