// Outbound mail against real servers: Epistle speaks SMTP to an in-process relay that delivers
// into a private Dovecot, and the test reads the moderator's real INBOX over IMAP.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SqlOutbox } from '../../src/db/outbox.js';
import { parseNotificationMessageId } from '../../src/domain/mail/notification.js';
import { createSender } from '../../src/mail/mail-services.js';
import { OutboxDeliverer } from '../../src/mail/smtp/deliverer.js';
import { pageUrl, postJson, startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase } from '../support/database.js';
import { EPISTLE, OWNER, startDovecot, type DovecotServer } from '../support/dovecot.js';
import { startSmtpRelay, type SmtpRelay } from '../support/smtp-relay.js';

const RELAY_AUTH = { user: 'relay-user', pass: 'relay-pass' };
const root = fileURLToPath(new URL('../../', import.meta.url));

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

/** The demo site in French, mail through the relay, replies to Epistle's mailbox in Dovecot. */
function withMail(table: Record<string, any>): void {
  table.smtp = {
    host: relay.host,
    port: relay.port,
    security: 'none',
    user: RELAY_AUTH.user,
    password: RELAY_AUTH.pass,
    from: 'Epistle <epistle@example.test>',
  };
  table.imap = { host: dovecot.host, port: dovecot.imapPort, security: 'none', user: EPISTLE.user, password: EPISTLE.pass };
  table.sites.demo.locale = 'fr';
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, ms = 8000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every message in the moderator's INBOX, parsed as a mail client would. */
async function ownerInbox(): Promise<ParsedMail[]> {
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.imapPort, secure: false, doSTARTTLS: false, auth: OWNER, logger: false });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.mailboxOpen('INBOX');
    const sources: Buffer[] = [];
    if (client.mailbox && client.mailbox.exists > 0) {
      for await (const msg of client.fetch('1:*', { source: true })) if (msg.source) sources.push(msg.source);
    }
    return Promise.all(sources.map((s) => simpleParser(s)));
  } finally {
    await client.logout();
  }
}

/** Header lines of a raw message, folded lines joined (a long Message-ID goes on a continuation line). */
const headerOf = (raw: Buffer, name: string) =>
  raw
    .toString()
    .split(/\r?\n\r?\n/)[0]!
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    .map((l) => l.slice(name.length + 1).trim());
const relayed = (messageId: string) => relay.messages.filter((m) => headerOf(m.raw, 'Message-ID').includes(messageId)).length;
const inInbox = async (messageId: string) => (await ownerInbox()).filter((m) => m.messageId === messageId).length;

async function postComment(app: TestApp, fields: Record<string, string> = {}) {
  const res = await postJson(app, '/api/sites/demo/comments', { url: pageUrl, author: 'Ann', body: 'Bonjour', ...fields });
  assert.equal(res.status, 202, await res.clone().text());
  const { id } = (await res.json()) as { id: number };
  const comment = await app.services.database.db.selectFrom('Comment').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  assert.ok(comment.notificationMessageId, 'the comment has its notification Message-ID');
  return { id, token: comment.token, messageId: comment.notificationMessageId };
}

const outboxRow = (app: TestApp, commentId: number) =>
  app.services.database.db
    .selectFrom('Outbox')
    .selectAll()
    .where('commentId', '=', commentId)
    .orderBy('id', 'asc')
    .executeTakeFirstOrThrow();

/** A deliverer like the one serve starts, with retries in milliseconds instead of minutes. */
function quickDeliverer(app: TestApp, outbox = app.services.outbox, batchSize = 10): OutboxDeliverer {
  const { config, logger, clock, mailRenderer } = app.services;
  return new OutboxDeliverer(
    { outbox, renderer: mailRenderer, sender: createSender(config, logger), logger, clock },
    { batchSize, retry: { baseMs: 200, maxMs: 1000, maxAttempts: 10 } },
  );
}

describe('notifications over SMTP', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp(withMail);
  });
  after(() => app.stop());

  test('a new comment reaches the moderator INBOX at once, once, with the headers replies rely on', async () => {
    app.services.deliverer.start();
    try {
      const started = Date.now();
      const author = 'Ann <script>alert(1)</script>';
      const body = 'Premier paragraphe.\n\nSecond <b>gras</b> & *markdown*';
      const { id, token, messageId } = await postComment(app, {
        author,
        email: 'ann@example.org',
        website: 'https://ann.example.org',
        body,
      });
      await waitFor('the relay to get the notification', () => relayed(messageId) > 0);
      const latency = Date.now() - started;
      assert.ok(latency < 1500, `delivered ${latency} ms after the post (the safety loop would take a minute)`);

      const mails = (await ownerInbox()).filter((m) => m.messageId === messageId);
      assert.equal(mails.length, 1, 'exactly one notification in the INBOX');
      const mail = mails[0]!;
      assert.deepEqual(parseNotificationMessageId(messageId), { commentId: id, token });
      assert.match(messageId, /@example\.test>$/, 'the Message-ID domain is the From domain');
      assert.equal(mail.from?.value[0]?.address, 'epistle@example.test');
      assert.deepEqual(
        (Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((a) => a?.value.map((v) => v.address)),
        ['owner@example.test'],
      );
      assert.equal(mail.replyTo?.value[0]?.address, EPISTLE.user, 'replies go to the mailbox Epistle reads');
      assert.equal(mail.headers.get('auto-submitted'), 'auto-generated');
      assert.equal(mail.headers.get('x-auto-response-suppress'), 'All');
      assert.equal(mail.subject, `[Demo] Nouveau commentaire de ${author} sur /demo`);
      assert.ok(mail.text?.includes(body), 'the text part holds the comment as written');
      assert.match(mail.text ?? '', /approuver/);
      const html = String(mail.html);
      assert.ok(!html.includes('<script>'), 'the author is escaped in the HTML part');
      assert.ok(html.includes('Ann &lt;script&gt;alert(1)&lt;&#x2F;script&gt;'));
      assert.ok(html.includes('Second &lt;b&gt;gras&lt;&#x2F;b&gt; &amp; *markdown*'), 'the body is shown as text, not rendered');
      assert.ok(html.includes('ann@example.org') && html.includes('https:&#x2F;&#x2F;ann.example.org'));
      assert.equal((await outboxRow(app, id)).status, 'sent');
      assert.ok(app.logs.some((l) => l.msg === 'mail sent' && l.commentId === id));
      assert.ok(!JSON.stringify(app.logs).includes(token), 'the secret token is never logged');
    } finally {
      await app.services.deliverer.stop();
    }
  });

  test('mail queued through outbox.enqueue keeps In-Reply-To and References, in the site locale', async () => {
    const deliverer = quickDeliverer(app);
    deliverer.start();
    try {
      const queued = await app.services.outbox.enqueue({
        kind: 'help',
        siteId: 'demo',
        commentId: null,
        to: [OWNER.user],
        template: 'help',
        locale: 'fr',
        data: { commentId: 7, received: 'aprouver' },
        inReplyTo: '<reply-7@example.test>',
        references: ['<epistle.7.abc@example.test>', '<reply-7@example.test>'],
      });
      await waitFor('the help mail', () => relayed(queued.messageId) > 0);
      const mail = (await ownerInbox()).find((m) => m.messageId === queued.messageId);
      assert.equal(mail?.inReplyTo, '<reply-7@example.test>');
      assert.deepEqual(mail?.references, ['<epistle.7.abc@example.test>', '<reply-7@example.test>']);
      assert.equal(mail?.subject, '[Demo] Commande non comprise pour le commentaire n° 7');
      assert.match(mail?.text ?? '', /« aprouver »/);
    } finally {
      await deliverer.stop();
    }
  });

  test('while SMTP is down the notification waits with its error, then goes out exactly once', async () => {
    relay.setDown(true);
    const deliverer = quickDeliverer(app);
    deliverer.start();
    try {
      const { id, messageId } = await postComment(app, { author: 'Down' });
      const failed = await waitFor('a failed attempt', async () => {
        const row = await outboxRow(app, id);
        return row.attempts >= 1 && row.lastError !== null && row;
      });
      assert.notEqual(failed.status, 'sent');
      assert.notEqual(failed.status, 'failed');
      assert.match(failed.lastError ?? '', /down|421|451/i);
      assert.equal(relayed(messageId), 0);

      relay.setDown(false);
      await waitFor('delivery after the relay is back', async () => (await outboxRow(app, id)).status === 'sent');
      await new Promise((r) => setTimeout(r, 1500)); // room for a duplicate to show up, if any
      assert.equal(relayed(messageId), 1);
      assert.equal(await inInbox(messageId), 1);
    } finally {
      relay.setDown(false);
      await deliverer.stop();
    }
  });

  test('two deliverers on one database send each notification once', async () => {
    const comments = [];
    for (let i = 0; i < 8; i++) comments.push(await postComment(app, { author: `Pair ${i}` }));
    // Two outboxes and two SMTP pools, as two instances would have (one connection: see outbox-store.test.ts).
    const domain = 'example.test';
    const one = quickDeliverer(app, new SqlOutbox(app.services.database.db, domain), 2);
    const two = quickDeliverer(app, new SqlOutbox(app.services.database.db, domain), 2);
    one.start();
    two.start();
    try {
      for (const c of comments) await waitFor(`comment ${c.id} sent`, async () => (await outboxRow(app, c.id)).status === 'sent');
      await new Promise((r) => setTimeout(r, 500));
      const inbox = await ownerInbox();
      for (const c of comments) {
        assert.equal(relayed(c.messageId), 1, `comment ${c.id} relayed once`);
        assert.equal(inbox.filter((m) => m.messageId === c.messageId).length, 1, `comment ${c.id} in the INBOX once`);
      }
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });
});

test('a notification queued before a stop is delivered after the restart', async () => {
  const db = await createTestDatabase();
  try {
    const first = await startTestApp(withMail, { database: db });
    // This instance stops before its deliverer ever runs, as a crash right after the commit would.
    const { id, messageId } = await postComment(first, { author: 'Before restart' });
    await first.stop();
    assert.equal(relayed(messageId), 0);

    const second = await startTestApp(withMail, { database: db });
    second.services.deliverer.start();
    try {
      await waitFor('delivery after the restart', async () => (await outboxRow(second, id)).status === 'sent');
      assert.equal(relayed(messageId), 1);
      assert.equal(await inInbox(messageId), 1);
    } finally {
      await second.stop();
    }
  } finally {
    await db.drop();
  }
});

test('without [smtp] a new comment is announced in the log with the commands to moderate it', async () => {
  const app = await startTestApp();
  app.services.deliverer.start();
  try {
    const res = await postJson(app, '/api/sites/demo/comments', { url: pageUrl, author: 'Logged', body: 'no mail server' });
    assert.equal(res.status, 202);
    const { id } = (await res.json()) as { id: number };
    const line = await waitFor('the log line', () => app.logs.find((l) => l.event === 'new_comment' && l.commentId === id));
    assert.deepEqual(line.commands, [`epistle comments approve ${id}`, `epistle comments drop ${id}`, `epistle comments spam ${id}`]);
    assert.equal(line.author, 'Logged');
    assert.equal(line.page, pageUrl);
    assert.match(String(line.msg), new RegExp(`epistle comments approve ${id}`));
    assert.equal((await outboxRow(app, id)).status, 'sent');
    assert.ok(!app.logs.some((l) => Number(l.level) >= 50), 'nothing was logged as an error');
  } finally {
    await app.stop();
  }
});

describe('epistle mail check', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'epistle-mail-check-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function check(smtpPassword: string, imapPassword: string) {
    const file = join(dir, `epistle-${smtpPassword}-${imapPassword}.toml`);
    await writeFile(
      file,
      `[database]
url = "file:./epistle.db"
[smtp]
host = "${relay.host}"
port = ${relay.port}
security = "none"
user = "${RELAY_AUTH.user}"
password = "${smtpPassword}"
from = "epistle@example.test"
[imap]
host = "${dovecot.host}"
port = ${dovecot.imapPort}
security = "none"
user = "${EPISTLE.user}"
password = "${imapPassword}"
[sites.demo]
name = "Demo"
origins = ["http://localhost:8080"]
moderators = ["owner@example.test"]
`,
    );
    return new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'src/main.ts', '--config', file, 'mail', 'check'], { cwd: root }, (error, stdout) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
      );
    });
  }

  test('with working settings every line is ✓ and it exits 0', async () => {
    const { code, stdout } = await check(RELAY_AUTH.pass, EPISTLE.pass);
    const lines = stdout.trim().split('\n');
    assert.equal(code, 0, stdout);
    assert.ok(lines.length >= 5, stdout);
    assert.ok(
      lines.every((l) => l.startsWith('✓')),
      stdout,
    );
    assert.match(stdout, /✓ SMTP .* logged in as relay-user/);
    assert.match(stdout, /✓ IMAP .* logged in as epistle@example\.test/);
    assert.match(stdout, /✓ folder "Processed"/);
    assert.match(stdout, /✓ folder "Rejected"/);
    assert.ok(!stdout.includes(EPISTLE.pass) && !stdout.includes(RELAY_AUTH.pass), 'no password is printed');
  });

  test('with wrong passwords it prints ✗ lines and exits 1', async () => {
    const { code, stdout } = await check('wrong-smtp', 'wrong-imap');
    assert.equal(code, 1, stdout);
    assert.match(stdout, /✗ SMTP .*535|✗ SMTP .*[Aa]uthentication/);
    assert.match(stdout, /✗ IMAP .* cannot log in as epistle@example\.test/);
    assert.ok(!stdout.includes('wrong-smtp') && !stdout.includes('wrong-imap'), 'no password is printed');
  });
});
