// `epistle mail outbox|retry|check|preview`: see what is queued or failed, put failed mail back,
// test the SMTP and IMAP settings, and print a mail template rendered with sample data.
import { ImapFlow } from 'imapflow';
import { imapPort, smtpPort, type ImapConfig } from '../config/sections/mail.js';
import type { Config } from '../config/schema.js';
import { outboxStatuses, type OutboxRow, type OutboxStatus } from '../db/outbox.js';
import { redactMessageId } from '../domain/mail/notification.js';
import type { Locale } from '../domain/types.js';
import { locales } from '../i18n/index.js';
import { imapClientOptions } from '../mail/imap-options.js';
import { createMailRenderer } from '../mail/mail-services.js';
import { sampleData } from '../mail/samples.js';
import { createSmtpTransport } from '../mail/smtp/transport.js';
import { fail, load, withServices, type GlobalOptions } from './context.js';

const out = (line = '') => process.stdout.write(`${line}\n`);

function positive(value: string | undefined, name: string, fallback: number): number {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`${name} must be a positive whole number`);
  return n;
}

function when(d: Date | null): string {
  return d ? d.toISOString().slice(0, 19).replace('T', ' ') : '-';
}

function formatRow(r: OutboxRow): string {
  const about = r.commentId !== null ? `comment ${r.commentId}` : r.siteId;
  const time =
    r.status === 'sent' ? `sent ${when(r.sentAt)}` : r.status === 'pending' ? `next ${when(r.nextAttemptAt)}` : when(r.createdAt);
  const line = [String(r.id).padStart(5), r.status.padEnd(7), `${r.attempts} tries`.padEnd(8), r.kind.padEnd(12), about.padEnd(12), time];
  const lines = [line.join('  '), `       to ${r.to.join(', ')}  ${redactMessageId(r.messageId)}`];
  if (r.lastError) lines.push(`       last error: ${r.lastError.replace(/\s+/g, ' ')}`);
  return lines.join('\n');
}

export async function mailOutbox(options: GlobalOptions & { status?: string; limit?: string; json?: boolean }): Promise<void> {
  if (options.status && !(outboxStatuses as readonly string[]).includes(options.status)) {
    fail(`--status must be one of ${outboxStatuses.join(', ')}`);
  }
  const limit = positive(options.limit, '--limit', 50);
  await withServices(options, async (s) => {
    const rows = await s.outbox.list({ ...(options.status ? { status: options.status as OutboxStatus } : {}), limit });
    if (options.json)
      out(
        JSON.stringify(
          rows.map((r) => ({ ...r, messageId: redactMessageId(r.messageId) })),
          null,
          2,
        ),
      );
    else out(rows.length ? rows.map(formatRow).join('\n') : 'the outbox is empty');
  });
}

export async function mailRetry(idText: string | undefined, options: GlobalOptions): Promise<void> {
  const id = idText === undefined ? undefined : positive(idText, 'the id', 1);
  await withServices(options, async (s) => {
    const count = await s.outbox.retryFailed(id);
    out(count ? `${count} failed mail queued again; a running server sends it within a minute` : 'no failed mail to retry');
  });
}

/** Folders the watcher moves handled replies to. */
function watcherFolders(imap: ImapConfig): string[] {
  return [imap.processed_folder, imap.rejected_folder];
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & { responseText?: string; response?: string; authenticationFailed?: boolean };
  if (e.authenticationFailed) return `authentication failed${e.responseText ? ` (${e.responseText})` : ''}`;
  return e.response ?? e.message;
}

async function checkImap(imap: ImapConfig, mark: (ok: boolean, line: string) => void): Promise<void> {
  const where = `IMAP ${imap.host}:${imapPort(imap)} (${imap.security})`;
  const client = new ImapFlow(imapClientOptions(imap, 15_000));
  client.on('error', () => undefined); // a failed connect also emits 'error'; connect() rejects with it
  try {
    await client.connect();
  } catch (error) {
    mark(false, `${where}: cannot log in as ${imap.user}: ${reason(error)}`);
    return;
  }
  try {
    mark(true, `${where}: logged in as ${imap.user}`);
    const paths = new Set((await client.list()).map((f) => f.path));
    const status = paths.has(imap.mailbox) ? await client.status(imap.mailbox, { messages: true }) : false;
    mark(
      status !== false,
      status ? `mailbox "${imap.mailbox}" (${status.messages ?? 0} messages)` : `mailbox "${imap.mailbox}" does not exist`,
    );
    for (const folder of watcherFolders(imap)) {
      mark(
        paths.has(folder),
        paths.has(folder) ? `folder "${folder}"` : `folder "${folder}" does not exist: create it in your mail client`,
      );
    }
  } finally {
    await client.logout().catch(() => undefined);
  }
}

/** Prints one ✓/✗ line per check; true when none failed. */
export async function checkMail(config: Config, write: (line: string) => void = out): Promise<boolean> {
  let ok = true;
  const mark = (good: boolean, line: string) => {
    if (!good) ok = false;
    write(`${good ? '✓' : '✗'} ${line}`);
  };
  if (config.smtp) {
    const smtp = config.smtp;
    const transport = createSmtpTransport({ ...smtp, timeout_seconds: Math.min(smtp.timeout_seconds, 15) });
    const where = `SMTP ${smtp.host}:${smtpPort(smtp)} (${smtp.security})`;
    try {
      await transport.verify();
      mark(true, `${where}: ${smtp.user ? `logged in as ${smtp.user}` : 'connected (no login configured)'}`);
    } catch (error) {
      mark(false, `${where}: ${reason(error)}`);
    } finally {
      transport.close();
    }
  } else {
    write('- no [smtp] section: notifications are written to the log instead of being sent');
  }
  if (config.imap) await checkImap(config.imap, mark);
  else write('- no [imap] section: replies to notifications are not read');
  for (const [id, site] of Object.entries(config.sites)) {
    if (site.moderators.length === 0) write(`- site ${id} has no moderators: its comments are not announced by mail`);
  }
  return ok;
}

export async function mailCheck(options: GlobalOptions): Promise<void> {
  const { config } = load(options);
  if (!(await checkMail(config))) process.exit(1);
}

export function mailPreview(template: string, options: GlobalOptions & { site?: string; locale?: string }): void {
  const { config } = load(options);
  const siteId = options.site ?? Object.keys(config.sites)[0] ?? '';
  const site = config.sites[siteId];
  if (!site) fail(`no site "${siteId}" in the configuration (sites: ${Object.keys(config.sites).join(', ')})`);
  if (options.locale !== undefined && !(locales as string[]).includes(options.locale))
    fail(`--locale must be one of ${locales.join(', ')}`);
  const locale = (options.locale ?? site.locale) as Locale;
  const origin = site.origins[0]?.replace(/\/$/, '') ?? 'https://example.com';
  // Sample data as the real mail would carry it for this site: its name and one of its pages.
  const data = JSON.parse(JSON.stringify(sampleData(template)).replaceAll('https://example.com', origin)) as Record<string, unknown>;
  if ('siteName' in data) data.siteName = site.name;
  let rendered;
  try {
    rendered = createMailRenderer(config).render({ siteId, template, locale, data });
  } catch (error) {
    fail(`cannot render "${template}": ${error instanceof Error ? error.message : String(error)}`);
  }
  out(`Subject: ${rendered.subject}`);
  out();
  out('--- text part ---');
  out(rendered.text.trimEnd());
  out();
  out('--- HTML part ---');
  out(rendered.html.trimEnd());
}
