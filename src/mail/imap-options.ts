// ImapFlow connection options from [imap], shared by the watcher and `epistle mail check`.
import type { ImapFlowOptions } from 'imapflow';
import { imapPort, type ImapConfig } from '../config/sections/mail.js';

export function imapClientOptions(imap: ImapConfig, timeoutMs = 30_000): ImapFlowOptions {
  return {
    host: imap.host,
    port: imapPort(imap),
    secure: imap.security === 'tls',
    // starttls: upgrade or fail; none: never upgrade, even when offered (local servers only).
    doSTARTTLS: imap.security === 'starttls' ? true : imap.security === 'none' ? false : undefined,
    auth: { user: imap.user, pass: imap.password },
    logger: false,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs * 10,
  };
}
