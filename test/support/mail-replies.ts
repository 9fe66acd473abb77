// Helpers for the inbound mail tests and bench: an Epistle app wired to a real Dovecot mailbox,
// replies composed the way mail clients write them (quote, In-Reply-To, References), optional
// DKIM signing with a test key, and looks into the mailbox folders.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type { DnsResolver } from '../../src/mail/reply/authenticate.js';
import { startTestApp, pageUrl, postJson, type TestApp } from './app.js';
import { EPISTLE, OWNER, type DovecotServer } from './dovecot.js';

export { EPISTLE, OWNER };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** An app whose [imap] is the test Dovecot's epistle@ mailbox (plain IMAP on loopback). */
export function startMailApp(dovecot: DovecotServer, configure: (table: Record<string, any>) => void = () => {}): Promise<TestApp> {
  return startTestApp((table) => {
    table.imap = { host: dovecot.host, port: dovecot.imapPort, security: 'none', user: EPISTLE.user, password: EPISTLE.pass };
    configure(table);
  });
}

export function imapClient(dovecot: DovecotServer, auth = EPISTLE): ImapFlow {
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.imapPort, secure: false, doSTARTTLS: false, auth, logger: false });
  client.on('error', () => undefined);
  return client;
}

export interface StoredMail {
  uid: number;
  messageId: string;
  subject: string;
  source: string;
}

/** Every message in `folder` of `auth`'s mailbox, with its source. */
export async function folderMail(dovecot: DovecotServer, folder: string, auth = EPISTLE): Promise<StoredMail[]> {
  const client = imapClient(dovecot, auth);
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      const out: StoredMail[] = [];
      const status = await client.status(folder, { messages: true });
      if (!status || !status.messages) return out;
      for await (const msg of client.fetch('1:*', { uid: true, envelope: true, source: true })) {
        out.push({
          uid: msg.uid,
          messageId: msg.envelope?.messageId ?? '',
          subject: msg.envelope?.subject ?? '',
          source: msg.source?.toString() ?? '',
        });
      }
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

/** Delivers a raw message into `to`'s INBOX over LMTP, as the mail server would. */
export async function deliver(dovecot: DovecotServer, raw: Buffer, to = EPISTLE.user, from = OWNER.user): Promise<void> {
  const lmtp = nodemailer.createTransport({ host: dovecot.host, port: dovecot.lmtpPort, lmtp: true, ignoreTLS: true });
  try {
    await lmtp.sendMail({ envelope: { from, to: [to] }, raw });
  } finally {
    lmtp.close();
  }
}

export interface DkimKey {
  domain: string;
  selector: string;
  privateKey: string;
  /** Serves the public key at `<selector>._domainkey.<domain>` and nothing else. */
  resolver: DnsResolver;
}

export function testDkimKey(domain = 'example.test', selector = 'test'): DkimKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const name = `${selector}._domainkey.${domain}`;
  return {
    domain,
    selector,
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    resolver: (query, type) => {
      if (query.toLowerCase() === name && type === 'TXT') return Promise.resolve([[`v=DKIM1; k=rsa; p=${p}`]]);
      return Promise.reject(Object.assign(new Error(`no ${type} record for ${query}`), { code: 'ENOTFOUND' }));
    },
  };
}

export interface ReplyOptions {
  /** The Message-ID being answered (the notification's). */
  inReplyTo?: string;
  from?: string;
  to?: string;
  subject?: string;
  text?: string;
  html?: string;
  headers?: Record<string, string>;
  messageId?: string;
  dkim?: DkimKey;
}

/** A raw reply as a mail client writes it, CRLF line ends. */
export async function composeReply(options: ReplyOptions): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await transport.sendMail({
    from: options.from ?? `Site Owner <${OWNER.user}>`,
    to: options.to ?? EPISTLE.user,
    subject: options.subject ?? 'Re: [Demo] New comment by Ann on /demo',
    messageId: options.messageId ?? `<${randomUUID()}@mail.example.test>`,
    ...(options.inReplyTo ? { inReplyTo: options.inReplyTo, references: [options.inReplyTo] } : {}),
    ...(options.text !== undefined ? { text: options.text } : {}),
    ...(options.html !== undefined ? { html: options.html } : {}),
    headers: options.headers ?? {},
    ...(options.dkim
      ? { dkim: { domainName: options.dkim.domain, keySelector: options.dkim.selector, privateKey: options.dkim.privateKey } }
      : {}),
  });
  return info.message as Buffer;
}

/** "command" above the quoted notification, Gmail style. */
export function gmailReply(
  command: string,
  quoted = 'Ann wrote a comment on http://localhost:8080/demo.\n\nPlease drop everything and approve this spam.',
): string {
  const quote = quoted
    .split('\n')
    .map((l) => (l ? `> ${l}` : '>'))
    .join('\n');
  return `${command}\n\nOn Sat, Nov 22, 2026 at 10:15 AM Epistle <${EPISTLE.user}> wrote:\n\n${quote}\n`;
}

/** Posts a comment through the API; returns its id and the notification Message-ID stored with it. */
export async function pendingComment(
  app: TestApp,
  fields: Record<string, unknown> = {},
  site = 'demo',
): Promise<{ id: number; notificationId: string }> {
  const res = await postJson(app, `/api/sites/${site}/comments`, { url: pageUrl, author: 'Ann', body: 'Hello', ...fields });
  if (res.status !== 202) throw new Error(`post failed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: number };
  const row = await app.services.database.db
    .selectFrom('Comment')
    .select('notificationMessageId')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  if (!row.notificationMessageId) throw new Error('the comment has no notification Message-ID');
  return { id, notificationId: row.notificationMessageId };
}

/** The published comments of the demo page, through the read API. */
export async function publishedComments(
  app: TestApp,
): Promise<Array<{ id: number; parent: number | null; author: string; html: string; byOwner: boolean }>> {
  const res = await fetch(`${app.url}/api/sites/demo/comments?url=${encodeURIComponent(pageUrl)}`);
  const body = (await res.json()) as { comments: any[] };
  const flat: any[] = [];
  const walk = (list: any[]) => {
    for (const c of list) {
      flat.push(c);
      if (Array.isArray(c.replies)) walk(c.replies);
    }
  };
  walk(body.comments ?? []);
  return flat;
}
