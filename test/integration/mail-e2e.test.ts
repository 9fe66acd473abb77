// The whole loop with real servers: a reader posts the HTML form, Epistle mails the notification
// over SMTP (relayed into Dovecot), the moderator answers it from their mailbox as a mail client
// would, the reply lands in Epistle's mailbox, the watcher reads it through IMAP IDLE, and the
// comment is in the read API, and the moderator gets the confirmation in their own inbox.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { startMailWatcher, type MailWatcher } from '../../src/mail/imap/watcher.js';
import { pageUrl, postForm, type TestApp } from '../support/app.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { folderMail, OWNER, publishedComments, startMailApp, waitFor, EPISTLE } from '../support/mail-replies.js';
import { startSmtpRelay, type SmtpRelay } from '../support/smtp-relay.js';

let dovecot: DovecotServer;
let relay: SmtpRelay;
let app: TestApp;
let watcher: MailWatcher;
let polls = 0;

before(async () => {
  dovecot = await startDovecot();
  relay = await startSmtpRelay({ lmtpHost: dovecot.host, lmtpPort: dovecot.lmtpPort });
  app = await startMailApp(dovecot, (table) => {
    table.smtp = { host: relay.host, port: relay.port, security: 'none', from: `Epistle <${EPISTLE.user}>` };
    table.sites.demo.owner_name = 'Site Owner';
  });
  app.services.deliverer.start();
  const running = startMailWatcher(app.services);
  watcher = {
    stop: () => running.stop(),
    pollOnce: () => {
      polls++;
      return running.pollOnce();
    },
  };
});

after(async () => {
  await watcher?.stop();
  await app?.stop();
  await relay?.stop();
  await dovecot?.stop();
});

const quote = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => (l ? `> ${l}` : '>'))
    .join('\n');

test('form post -> notification in the moderator inbox -> emailed "reply" -> published with the answer, through IDLE', async () => {
  const body = 'Nice post. (The moderator should not drop this.)';
  const res = await postForm(app, '/api/sites/demo/comments', { url: pageUrl, author: 'Ann', body });
  assert.equal(res.status, 303);

  const notification = await waitFor('the notification in owner@', async () => {
    const mail = (await folderMail(dovecot, 'INBOX', OWNER)).find((m) => m.source.includes('Auto-Submitted: auto-generated'));
    return mail ? simpleParser(mail.source) : undefined;
  });
  const notificationId = notification.messageId ?? '';
  assert.match(notificationId, /^<epistle\.\d+\.[0-9a-f]{64}@example\.test>$/);
  const replyTo = notification.replyTo?.value[0]?.address;
  assert.equal(replyTo, EPISTLE.user, 'replies go to the mailbox Epistle watches');
  const commentId = Number(/^<epistle\.(\d+)\./.exec(notificationId)?.[1]);
  assert.equal((await app.services.store.findComment(commentId))?.status, 'pending');

  // The moderator's client: top-posted answer, attribution, the whole notification quoted.
  const client = nodemailer.createTransport({ host: relay.host, port: relay.port, secure: false });
  const date = notification.date?.toUTCString() ?? 'today';
  const reply = await client.sendMail({
    from: `Site Owner <${OWNER.user}>`,
    to: replyTo,
    subject: `Re: ${notification.subject ?? ''}`,
    inReplyTo: notificationId,
    references: [notificationId],
    text: `reply Thanks Ann, glad you liked it!\n\nOn ${date}, Epistle <${EPISTLE.user}> wrote:\n${quote(notification.text ?? '')}\n`,
  });
  const sentAt = Date.now();
  client.close();

  const published = await waitFor(
    'the comment and its answer in the read API',
    async () => {
      const comments = await publishedComments(app);
      return comments.some((c) => c.id === commentId) && comments.some((c) => c.parent === commentId) ? comments : undefined;
    },
    10_000,
  );
  const elapsed = Date.now() - sentAt;
  assert.ok(elapsed < 3000, `handled ${elapsed} ms after delivery; IDLE should take ~0.5 s`);
  assert.equal(polls, 0, 'no poll was involved: IDLE pushed the mail');

  const answer = published.find((c) => c.parent === commentId);
  assert.equal(answer?.author, 'Site Owner');
  assert.equal(answer?.byOwner, true);
  assert.equal(answer?.html, '<p>Thanks Ann, glad you liked it!</p>\n');

  const processed = await folderMail(dovecot, 'Processed');
  assert.ok(processed.some((m) => m.messageId === reply.messageId));

  const confirmation = await waitFor('the confirmation in owner@', async () => {
    const inbox = await folderMail(dovecot, 'INBOX', OWNER);
    const found = inbox.find((m) => m.source.includes(`In-Reply-To: ${reply.messageId}`));
    return found ? simpleParser(found.source) : undefined;
  });
  assert.match(confirmation.text ?? '', /Thanks Ann, glad you liked it!/);
  assert.equal(relay.messages.filter((m) => m.raw.toString().includes(`In-Reply-To: ${reply.messageId}`)).length, 1);
});
