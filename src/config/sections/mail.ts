// [smtp] (how notifications leave) and [imap] (the moderation mailbox Epistle reads). Both are
// optional: without [smtp] notifications are written to the log, without [imap] replies are not read.
import { z } from 'zod';

const security = z.enum(['starttls', 'tls', 'none'], { message: 'expected "starttls", "tls" or "none"' });

const port = z.number().int().min(1).max(65_535);

/** `addr@example.com` or `Name <addr@example.com>`; returns the address part, or null. */
export function addressOf(value: string): string | null {
  const match = /^\s*(?:"?([^"<>]*?)"?\s*<([^<>\s]+)>|([^<>\s]+))\s*$/.exec(value);
  const address = match?.[2] ?? match?.[3];
  return address && z.email().safeParse(address).success ? address : null;
}

export const smtpSchema = z
  .object({
    host: z.string().min(1, 'the SMTP server name, e.g. "smtp.fastmail.com"'),
    /** Default by security: 587 for starttls, 465 for tls, 25 for none. */
    port: port.optional(),
    security: security.default('starttls'),
    user: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    from: z.string().refine((v) => addressOf(v) !== null, 'expected an address such as "Epistle <comments@example.com>"'),
    pool_size: z.number().int().min(1).max(20).default(2),
    timeout_seconds: z.number().int().min(1).max(600).default(30),
  })
  .strict()
  .refine((s) => s.password === undefined || s.user !== undefined, { message: 'a password needs a user', path: ['user'] });

export const imapSchema = z
  .object({
    host: z.string().min(1, 'the IMAP server name, e.g. "imap.fastmail.com"'),
    /** Default by security: 993 for tls, 143 otherwise. */
    port: port.optional(),
    security: security.default('tls'),
    user: z.string().min(1),
    password: z.string().min(1),
    /** The mailbox's email address (Reply-To of notifications); defaults to `user` when that is an address. */
    address: z.email().optional(),
    mailbox: z.string().min(1).default('INBOX'),
    // Watcher keys (src/mail/imap). Handled replies are moved, never deleted; the poll schedule is [jobs] imap_poll.
    processed_folder: z.string().min(1).default('Processed'),
    rejected_folder: z.string().min(1).default('Rejected'),
    /** Push through IMAP IDLE; false: only the scheduled poll reads the mailbox. */
    idle: z.boolean().default(true),
    /** Quiet time after the last command before IDLE starts (imapflow's default, 15 s, delays push). */
    auto_idle_delay_ms: z.number().int().min(50).max(60_000).default(500),
  })
  .strict()
  .refine((s) => s.processed_folder !== s.mailbox && s.rejected_folder !== s.mailbox, {
    message: 'the processed and rejected folders must differ from the watched mailbox',
    path: ['processed_folder'],
  });

/** [mail]: what Epistle sends back to moderators who reply by email. */
export const mailSchema = z
  .object({
    /** Confirm each applied command to the moderator (help for an unreadable one is always sent). */
    confirmations: z.boolean().default(true),
  })
  .strict();

export type SmtpConfig = z.infer<typeof smtpSchema>;
export type ImapConfig = z.infer<typeof imapSchema>;
export type MailSecurity = z.infer<typeof security>;

export function smtpPort(smtp: SmtpConfig): number {
  return smtp.port ?? { starttls: 587, tls: 465, none: 25 }[smtp.security];
}

export function imapPort(imap: ImapConfig): number {
  return imap.port ?? (imap.security === 'tls' ? 993 : 143);
}

/** Where moderators' replies go: the watched mailbox's address, when one is known. */
export function moderationAddress(imap: ImapConfig | undefined): string | undefined {
  if (!imap) return undefined;
  return imap.address ?? (z.email().safeParse(imap.user).success ? imap.user : undefined);
}

/** Right-hand side of the Message-IDs Epistle writes: the From domain, else public_url's host. */
export function messageIdDomain(config: { smtp?: SmtpConfig | undefined; server: { public_url?: string | undefined } }): string {
  const from = config.smtp ? addressOf(config.smtp.from) : null;
  if (from) return from.slice(from.lastIndexOf('@') + 1).toLowerCase();
  if (config.server.public_url) return new URL(config.server.public_url).hostname;
  return 'epistle.invalid';
}
