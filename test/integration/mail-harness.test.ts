// Checks the real-server mail harness itself: Dovecot (IMAP/LMTP) plus the SMTP->LMTP relay.
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { EPISTLE, OWNER, startDovecot, type DovecotServer } from '../support/dovecot.js';
import { startSmtpRelay, type SmtpRelay } from '../support/smtp-relay.js';

const RELAY_AUTH = { user: 'relay-user', pass: 'relay-pass' };

let dovecot: DovecotServer;
let relay: SmtpRelay;

before(async () => {
  dovecot = await startDovecot();
  relay = await startSmtpRelay({ lmtpHost: dovecot.host, lmtpPort: dovecot.lmtpPort, auth: RELAY_AUTH });
});

after(async () => {
  await relay?.stop();
  await dovecot?.stop();
});

function smtp(auth = RELAY_AUTH) {
  return nodemailer.createTransport({ host: relay.host, port: relay.port, secure: false, auth });
}

function send(subject: string, to = OWNER.user, transport = smtp()) {
  return transport.sendMail({ from: 'site@example.test', to, subject, text: 'hello' });
}

// Implicit TLS by default so the self-signed certificate is exercised; plain IMAP on request.
function imap(auth: { user: string; pass: string }, secure = true): ImapFlow {
  const client = new ImapFlow({
    host: dovecot.host,
    port: secure ? dovecot.imapsPort : dovecot.imapPort,
    secure,
    auth,
    logger: false,
    tls: { ca: dovecot.tlsCa },
  });
  // A failed connection also emits 'error'; unhandled, that would crash the runner.
  client.on('error', () => undefined);
  return client;
}

async function inboxSubjects(auth: { user: string; pass: string }): Promise<string[]> {
  const client = imap(auth);
  await client.connect();
  try {
    await client.mailboxOpen('INBOX');
    const subjects: string[] = [];
    for await (const msg of client.fetch('1:*', { envelope: true })) {
      subjects.push(msg.envelope?.subject ?? '');
    }
    return subjects;
  } finally {
    await client.logout();
  }
}

test('a message sent through the relay lands in the recipient INBOX', async () => {
  const subject = `harness ${randomUUID()}`;
  const info = await send(subject);
  assert.deepEqual(info.accepted, [OWNER.user]);
  assert.ok((await inboxSubjects(OWNER)).includes(subject));
  const recorded = relay.messages.at(-1);
  assert.deepEqual(recorded?.to, [OWNER.user]);
  assert.match(recorded?.raw.toString() ?? '', new RegExp(`^Subject: ${subject}\\r?$`, 'm'));
});

test('the relay refuses unknown recipients (550) and bad credentials (535)', async () => {
  await assert.rejects(send('lost', 'nobody@example.test'), { responseCode: 550 });
  await assert.rejects(send('nope', OWNER.user, smtp({ ...RELAY_AUTH, pass: 'wrong' })), { responseCode: 535 });
});

test('the Epistle mailbox has subscribed Processed and Rejected folders (plain IMAP)', async () => {
  const client = imap(EPISTLE, false);
  await client.connect();
  try {
    const folders = await client.list();
    for (const name of ['INBOX', 'Processed', 'Rejected']) {
      const folder = folders.find((f) => f.path === name);
      assert.ok(folder, `${name} is missing from ${folders.map((f) => f.path).join(', ')}`);
      assert.equal(folder.subscribed, true, `${name} is not subscribed`);
    }
  } finally {
    await client.logout();
  }
});

test('a wrong IMAP password is refused, quickly and repeatedly', async () => {
  for (let attempt = 0; attempt < 2; attempt++) {
    const started = Date.now();
    await assert.rejects(imap({ ...OWNER, pass: 'wrong' }).connect(), { authenticationFailed: true });
    // Dovecot answers a failure after ~0.5 s; anvil's penalty would make the second take 4.5 s.
    assert.ok(Date.now() - started < 1500, `attempt ${attempt} took ${Date.now() - started} ms`);
  }
});

test('while the relay is down sending fails, and works again once it is up', async () => {
  relay.setDown(true);
  try {
    await assert.rejects(send(`down ${randomUUID()}`), (err: { responseCode?: number }) => {
      assert.ok(err.responseCode !== undefined && err.responseCode >= 400 && err.responseCode < 500);
      return true;
    });
  } finally {
    relay.setDown(false);
  }
  const subject = `up ${randomUUID()}`;
  await send(subject);
  assert.ok((await inboxSubjects(OWNER)).includes(subject));
});

test('restart() keeps delivered mail', async () => {
  const subject = `before restart ${randomUUID()}`;
  await send(subject);
  await dovecot.restart();
  assert.ok((await inboxSubjects(OWNER)).includes(subject));
  // LMTP is back as well, so delivery after the restart works too.
  const later = `after restart ${randomUUID()}`;
  await send(later);
  assert.ok((await inboxSubjects(OWNER)).includes(later));
});
