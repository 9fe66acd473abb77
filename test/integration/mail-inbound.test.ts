// Moderating by replying: replies are delivered into a real Dovecot mailbox over LMTP, the watcher
// picks them up through IMAP IDLE, and the effect is checked in the database, the read API, the
// mailbox folders and the outbox. Every case of issue 3 point 8 except the end-to-end path (mail-e2e).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startMailWatcher, type MailWatcher } from '../../src/mail/imap/watcher.js';
import type { TestApp } from '../support/app.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import {
  composeReply,
  deliver,
  folderMail,
  gmailReply,
  pendingComment,
  publishedComments,
  startMailApp,
  testDkimKey,
  waitFor,
  type DkimKey,
  type ReplyOptions,
} from '../support/mail-replies.js';

let dovecot: DovecotServer;
let app: TestApp;
let watcher: MailWatcher;
let dkim: DkimKey;

before(async () => {
  dovecot = await startDovecot();
  dkim = testDkimKey('example.test', 'test');
  app = await startMailApp(dovecot, (table) => {
    table.sites.demo.owner_name = 'The Owner';
    table.sites.strict = { name: 'Strict', origins: ['http://localhost:8080'], moderators: ['owner@example.test'], require_dkim: true };
  });
  // A long first backoff so that mail delivered during the Dovecot restart (last test) arrives
  // before the watcher is back.
  watcher = startMailWatcher(app.services, { dkimResolver: dkim.resolver, backoff: { initialMs: 2500, maxMs: 5000 } });
});

after(async () => {
  await watcher?.stop();
  await app?.stop();
  await dovecot?.stop();
});

const db = () => app.services.database.db;
const status = async (id: number) => (await app.services.store.findComment(id))?.status;

/** Delivers a reply into Epistle's mailbox and waits until the watcher has handled it. */
async function sendReply(options: ReplyOptions): Promise<{ messageId: string; outcome: string; detail: string | null }> {
  const raw = await composeReply(options);
  const messageId = /^Message-ID: (<[^>]+>)/im.exec(raw.toString())?.[1] ?? '';
  await deliver(dovecot, raw);
  const row = await waitFor(`ProcessedMail ${messageId}`, async () => {
    const r = await db().selectFrom('ProcessedMail').selectAll().where('messageId', '=', messageId).executeTakeFirst();
    return r && r.outcome !== 'processing' ? r : undefined;
  });
  return { messageId, outcome: row.outcome, detail: row.detail };
}

async function inFolder(folder: string, messageId: string): Promise<boolean> {
  return (await folderMail(dovecot, folder)).some((m) => m.messageId === messageId);
}

async function waitInFolder(folder: string, messageId: string): Promise<void> {
  await waitFor(`${messageId} in ${folder}`, () => inFolder(folder, messageId));
}

async function mailsFor(commentId: number, kind: string) {
  const rows = await db()
    .selectFrom('Outbox')
    .selectAll()
    .where('commentId', '=', commentId)
    .where('kind', '=', kind)
    .orderBy('id', 'asc')
    .execute();
  return rows.map((r) => ({
    ...r,
    payload: JSON.parse(r.payload) as { data: Record<string, unknown>; inReplyTo?: string; template: string },
  }));
}

describe('commands', () => {
  const cases: Array<[string, string, string]> = [
    ['approve', 'approved', 'approved'],
    ['approuver', 'approved', 'approved'],
    ['Drop', 'dropped', 'dropped'],
    ['rejeter', 'dropped', 'dropped'],
    ['spam', 'spam', 'spam'],
  ];
  for (const [word, expected, outcome] of cases) {
    test(`"${word}" -> ${expected}, filed in Processed, confirmed to the moderator`, async () => {
      const { id, notificationId } = await pendingComment(app, { body: `Comment for ${word}` });
      const reply = await sendReply({ inReplyTo: notificationId, text: gmailReply(word) });
      assert.equal(reply.outcome, 'applied');
      assert.equal(await status(id), expected);
      await waitInFolder('Processed', reply.messageId);
      const [confirmation, ...more] = await mailsFor(id, 'confirmation');
      assert.equal(more.length, 0);
      assert.equal(confirmation?.recipients, 'owner@example.test');
      assert.equal(confirmation?.payload.inReplyTo, reply.messageId);
      assert.equal(confirmation?.payload.data.outcome, outcome);
      const visible = (await publishedComments(app)).some((c) => c.id === id);
      assert.equal(visible, expected === 'approved');
    });
  }

  test('spam logs the reader address in the line fail2ban matches', async () => {
    const { id, notificationId } = await pendingComment(app, { body: 'Buy now' });
    await sendReply({ inReplyTo: notificationId, text: gmailReply('SPAM!') });
    assert.equal(await status(id), 'spam');
    assert.ok(app.logs.some((l) => l.commentId === id && typeof l.msg === 'string' && /^epistle spam from \S+$/.test(l.msg)));
  });

  for (const [word, text] of [
    ['reply', 'Thanks for reading, *Ann*!'],
    ['Répondre', 'Merci beaucoup !'],
  ] as const) {
    test(`"${word} <text>" approves and publishes the owner's answer beneath it`, async () => {
      const { id, notificationId } = await pendingComment(app, { body: `Question for ${word}` });
      const reply = await sendReply({ inReplyTo: notificationId, text: gmailReply(`${word} ${text}\n\n-- \nThe Owner`) });
      assert.equal(reply.outcome, 'applied');
      assert.equal(reply.detail, 'answered');
      const published = await publishedComments(app);
      assert.ok(published.some((c) => c.id === id));
      const answers = published.filter((c) => c.parent === id);
      assert.equal(answers.length, 1);
      assert.equal(answers[0]?.author, 'The Owner');
      assert.equal(answers[0]?.byOwner, true);
      assert.match(answers[0]?.html ?? '', word === 'reply' ? /Thanks for reading, <em>Ann<\/em>!/ : /Merci beaucoup !/);
      assert.doesNotMatch(answers[0]?.html ?? '', /The Owner|wrote/, 'signature and quote are not published');
    });
  }

  test('an HTML-only reply is read (Gmail-style HTML, quote in a blockquote)', async () => {
    const { id, notificationId } = await pendingComment(app, { body: 'drop this, said the reader' });
    const html = `<div dir="ltr">Approve</div><br><div class="gmail_quote"><div class="gmail_attr">On Sat, Nov 22, 2026 Epistle &lt;epistle@example.test&gt; wrote:<br></div><blockquote class="gmail_quote"><p>drop this, said the reader</p></blockquote></div>`;
    const reply = await sendReply({ inReplyTo: notificationId, html });
    assert.equal(reply.outcome, 'applied');
    assert.equal(await status(id), 'approved');
  });

  test('top-posted reply whose quote holds another command word acts on the new text only', async () => {
    const { id, notificationId } = await pendingComment(app, { body: 'spam\ndrop\nreply nonsense' });
    await sendReply({ inReplyTo: notificationId, text: gmailReply('approve', 'Ann wrote:\n\nspam\ndrop\nreply nonsense') });
    assert.equal(await status(id), 'approved');
    assert.equal((await publishedComments(app)).filter((c) => c.parent === id).length, 0);
  });

  test('an unknown or empty command changes nothing and earns the moderator a help mail', async () => {
    const { id, notificationId } = await pendingComment(app);
    const reply = await sendReply({ inReplyTo: notificationId, text: gmailReply('Yes, publish it') });
    assert.equal(reply.outcome, 'help');
    assert.equal(await status(id), 'pending');
    const [help] = await mailsFor(id, 'help');
    assert.equal(help?.recipients, 'owner@example.test');
    assert.equal(help?.payload.data.received, 'Yes, publish it');
    assert.equal(help?.payload.inReplyTo, reply.messageId);
    await waitInFolder('Processed', reply.messageId);
  });

  test('a command for a comment already decided otherwise is reported, not applied', async () => {
    const { id, notificationId } = await pendingComment(app);
    await sendReply({ inReplyTo: notificationId, text: gmailReply('approve') });
    const reply = await sendReply({ inReplyTo: notificationId, text: gmailReply('drop') });
    assert.equal(reply.outcome, 'already_decided');
    assert.equal(await status(id), 'approved');
    const confirmations = await mailsFor(id, 'confirmation');
    assert.deepEqual(
      confirmations.map((c) => c.payload.data.outcome),
      ['approved', 'already_decided'],
    );
  });
});

describe('authentication', () => {
  test('a forged From (right token, not a moderator) is rejected: Rejected folder, comment untouched, nothing sent', async () => {
    const { id, notificationId } = await pendingComment(app);
    const reply = await sendReply({ inReplyTo: notificationId, from: 'Mallory <mallory@example.test>', text: gmailReply('approve') });
    assert.equal(reply.outcome, 'rejected');
    assert.match(reply.detail ?? '', /not a moderator/);
    assert.equal(await status(id), 'pending');
    await waitInFolder('Rejected', reply.messageId);
    assert.equal(
      (await db().selectFrom('Outbox').select('id').where('commentId', '=', id).where('kind', '<>', 'notification').execute()).length,
      0,
    );
    const logged = app.logs.find((l) => l.messageId === reply.messageId && l.msg === 'mail reply rejected');
    assert.ok(logged, 'the rejection is logged with its reason');
    const token = notificationId.split('.')[2]?.split('@')[0] ?? 'missing';
    assert.ok(!app.logs.some((l) => JSON.stringify(l).includes(token)), 'the token never reaches the log');
  });

  test('a wrong token (the Stacosys hole) is rejected', async () => {
    const { id, notificationId } = await pendingComment(app);
    const forged = notificationId.replace(/\.([0-9a-f]{64})@/, `.${'0'.repeat(64)}@`);
    assert.notEqual(forged, notificationId);
    const reply = await sendReply({ inReplyTo: forged, text: gmailReply('approve') });
    assert.equal(reply.outcome, 'rejected');
    assert.match(reply.detail ?? '', /token/);
    assert.equal(await status(id), 'pending');
    await waitInFolder('Rejected', reply.messageId);
  });

  test('require_dkim: an unsigned reply is rejected, a signed one aligned with From is applied', async () => {
    const unsigned = await pendingComment(app, {}, 'strict');
    const rejected = await sendReply({ inReplyTo: unsigned.notificationId, text: gmailReply('approve') });
    assert.equal(rejected.outcome, 'rejected');
    assert.match(rejected.detail ?? '', /DKIM/);
    assert.equal(await status(unsigned.id), 'pending');
    await waitInFolder('Rejected', rejected.messageId);

    const other = testDkimKey('elsewhere.test', 'test');
    const misaligned = await sendReply({ inReplyTo: unsigned.notificationId, text: gmailReply('approve'), dkim: other });
    assert.equal(misaligned.outcome, 'rejected', 'a signature by another domain does not count');

    const signed = await sendReply({ inReplyTo: unsigned.notificationId, text: gmailReply('approve'), dkim });
    assert.equal(signed.outcome, 'applied');
    assert.equal(await status(unsigned.id), 'approved');
  });
});

describe('robustness', () => {
  test('the same reply delivered twice is applied once; a repeated "reply" publishes one answer', async () => {
    const { id, notificationId } = await pendingComment(app);
    const raw = await composeReply({ inReplyTo: notificationId, text: gmailReply('reply Thank you!') });
    const messageId = /^Message-ID: (<[^>]+>)/im.exec(raw.toString())?.[1] ?? '';
    await deliver(dovecot, raw);
    await deliver(dovecot, raw);
    await waitFor(
      'both copies filed',
      async () => (await folderMail(dovecot, 'Processed')).filter((m) => m.messageId === messageId).length === 2,
    );
    const again = await sendReply({ inReplyTo: notificationId, text: gmailReply('reply Thank you!') });
    assert.equal(again.outcome, 'unchanged');
    assert.equal((await publishedComments(app)).filter((c) => c.parent === id).length, 1);
    assert.equal((await mailsFor(id, 'confirmation')).length, 2, 'one per distinct reply, none for the duplicate copy');
  });

  test('a reply about a comment deleted meanwhile is logged and filed; the watcher carries on', async () => {
    const gone = await pendingComment(app);
    await db().deleteFrom('Comment').where('id', '=', gone.id).execute();
    const reply = await sendReply({ inReplyTo: gone.notificationId, text: gmailReply('approve') });
    assert.equal(reply.outcome, 'ignored');
    await waitInFolder('Processed', reply.messageId);
    assert.ok(app.logs.some((l) => l.messageId === reply.messageId && /no longer exists/.test(String(l.msg))));
    const next = await pendingComment(app);
    await sendReply({ inReplyTo: next.notificationId, text: gmailReply('approve') });
    assert.equal(await status(next.id), 'approved');
  });

  test('an out-of-office reply is ignored and never answered', async () => {
    const { id, notificationId } = await pendingComment(app);
    const reply = await sendReply({
      inReplyTo: notificationId,
      subject: 'Automatic reply: [Demo] New comment by Ann on /demo',
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
      text: 'I am out of the office until Monday. Approve requests will be handled then.',
    });
    assert.equal(reply.outcome, 'ignored');
    assert.equal(await status(id), 'pending');
    assert.equal(
      (await db().selectFrom('Outbox').select('id').where('commentId', '=', id).where('kind', '<>', 'notification').execute()).length,
      0,
    );
    await waitInFolder('Processed', reply.messageId);
  });

  test('mail that is not a reply to Epistle stays in the INBOX, untouched', async () => {
    const raw = await composeReply({ subject: 'Lunch on Friday?', text: 'approve' });
    const messageId = /^Message-ID: (<[^>]+>)/im.exec(raw.toString())?.[1] ?? '';
    await deliver(dovecot, raw);
    await waitFor('the INBOX copy', async () => (await folderMail(dovecot, 'INBOX')).some((m) => m.messageId === messageId));
    await watcher.pollOnce();
    await watcher.pollOnce();
    assert.ok(await inFolder('INBOX', messageId));
    assert.equal((await db().selectFrom('ProcessedMail').select('messageId').where('messageId', '=', messageId).execute()).length, 0);
  });

  test('Dovecot restarted while the watcher idles: it reconnects and handles mail that arrived meanwhile', async () => {
    const { id, notificationId } = await pendingComment(app);
    const connectedBefore = app.logs.filter((l) => l.msg === 'watching the moderation mailbox').length;
    await dovecot.restart();
    const deliveredAt = Date.now();
    const reply = await sendReply({ inReplyTo: notificationId, text: gmailReply('approve') });
    assert.equal(await status(id), 'approved');
    const reconnects = app.logs.filter((l) => l.msg === 'watching the moderation mailbox');
    assert.ok(reconnects.length > connectedBefore, 'the watcher reconnected');
    assert.ok(Number(reconnects.at(-1)?.time) >= deliveredAt - 50, 'the mail arrived before the reconnection');
    await waitInFolder('Processed', reply.messageId);
    assert.ok(
      (await folderMail(dovecot, 'INBOX')).some((m) => m.subject === 'Lunch on Friday?'),
      'unrelated mail is still there',
    );
  });
});
