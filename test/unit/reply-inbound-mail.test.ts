// Raw replies (as nodemailer writes them, like a mail client) through mailparser into the
// domain's InboundReply, and DKIM verified by mailauth against a test key served by a resolver.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readInboundMail, type InboundMail } from '../../src/mail/reply/inbound-mail.js';
import { composeReply, gmailReply, testDkimKey } from '../support/mail-replies.js';

const token = 'c0ffee'.repeat(10) + 'abcd';
const notificationId = `<epistle.42.${token}@example.test>`;
const key = testDkimKey('example.test', 'sel1');

function reply(mail: InboundMail) {
  assert.equal(mail.kind, 'reply');
  return mail.reply;
}

describe('reading a raw reply', () => {
  test('a Gmail-style reply gives the comment, token, sender and command', async () => {
    const raw = await composeReply({ inReplyTo: notificationId, from: 'Site Owner <Owner@Example.test>', text: gmailReply('Approve') });
    const r = reply(await readInboundMail(raw));
    assert.deepEqual(r.reference, { commentId: 42, token });
    assert.equal(r.from, 'owner@example.test');
    assert.deepEqual(r.command, { kind: 'approve' });
    assert.equal(r.automatic, null);
    assert.match(r.messageId, /^<[^>]+@mail\.example\.test>$/);
    assert.deepEqual(r.references, [notificationId]);
  });

  test('an HTML-only reply is read from its HTML', async () => {
    const html = '<div>rejeter</div><blockquote type="cite">approve</blockquote>';
    const r = reply(await readInboundMail(await composeReply({ inReplyTo: notificationId, html })));
    assert.deepEqual(r.command, { kind: 'drop' });
  });

  test('mail without an Epistle Message-ID in its headers is unrelated, whatever it says', async () => {
    const raw = await composeReply({ subject: 'Re: [Demo] New comment by Ann on /demo', text: 'approve' });
    assert.equal((await readInboundMail(raw)).kind, 'unrelated');
  });

  test('an out-of-office reply is marked automatic', async () => {
    const raw = await composeReply({ inReplyTo: notificationId, headers: { 'Auto-Submitted': 'auto-replied' }, text: 'Away until Monday' });
    assert.equal(reply(await readInboundMail(raw)).automatic, 'auto-submitted');
  });

  test('two From addresses give no sender', async () => {
    const raw = await composeReply({ inReplyTo: notificationId, from: 'owner@example.test, mallory@example.test', text: 'approve' });
    assert.equal(reply(await readInboundMail(raw)).from, null);
  });
});

describe('DKIM', () => {
  test('a reply signed by the From domain passes', async () => {
    const raw = await composeReply({ inReplyTo: notificationId, text: gmailReply('approve'), dkim: key });
    const r = reply(await readInboundMail(raw, { resolver: key.resolver }));
    assert.deepEqual(await r.verifyDkim(), { pass: true, domain: 'example.test' });
  });

  test('an unsigned reply fails', async () => {
    const r = reply(await readInboundMail(await composeReply({ inReplyTo: notificationId, text: 'approve' }), { resolver: key.resolver }));
    assert.deepEqual(await r.verifyDkim(), { pass: false, reason: 'no DKIM signature' });
  });

  test('a signed reply whose text was changed afterwards fails', async () => {
    const raw = (await composeReply({ inReplyTo: notificationId, text: 'drop\r\n', dkim: key }))
      .toString()
      .replace(/\r\ndrop\r\n/, '\r\napprove\r\n');
    const r = reply(await readInboundMail(Buffer.from(raw), { resolver: key.resolver }));
    assert.deepEqual(r.command, { kind: 'approve' });
    const verdict = await r.verifyDkim();
    assert.equal(verdict.pass, false);
  });

  test('a valid signature by another domain is not aligned with From and fails', async () => {
    const other = testDkimKey('elsewhere.test', 'sel1');
    const raw = await composeReply({ inReplyTo: notificationId, text: 'approve', dkim: other });
    const r = reply(await readInboundMail(raw, { resolver: other.resolver }));
    const verdict = await r.verifyDkim();
    assert.equal(verdict.pass, false);
    assert.match(verdict.pass ? '' : verdict.reason, /elsewhere\.test: pass/);
  });

  test('a key missing from DNS fails', async () => {
    const raw = await composeReply({ inReplyTo: notificationId, text: 'approve', dkim: key });
    const r = reply(await readInboundMail(raw, { resolver: testDkimKey().resolver }));
    assert.equal((await r.verifyDkim()).pass, false);
  });
});
