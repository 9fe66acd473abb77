// One imapflow connection to the moderation mailbox, configured from [imap], logging through
// our pino logger. imapflow never reconnects by itself: the watcher makes a new one each time.
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { imapPort, type ImapConfig } from '../../config/sections/mail.js';
import type { Logger } from '../../log.js';

/** imapflow logs every command at debug and info; ours keeps them a level lower. */
function bridge(logger: Logger): NonNullable<ImapFlowOptions['logger']> {
  const child = logger.child({ component: 'imapflow' });
  return {
    trace: (obj: object) => child.trace(obj),
    debug: (obj: object) => child.trace(obj),
    info: (obj: object) => child.debug(obj),
    warn: (obj: object) => child.warn(obj),
    error: (obj: object) => child.error(obj),
    fatal: (obj: object) => child.error(obj),
  };
}

export function createImapClient(config: ImapConfig, logger: Logger | false, overrides: Partial<ImapFlowOptions> = {}): ImapFlow {
  return new ImapFlow({
    host: config.host,
    port: imapPort(config),
    secure: config.security === 'tls',
    // "none" must not upgrade even when the server offers STARTTLS; "starttls" requires it.
    doSTARTTLS: config.security === 'starttls' ? true : config.security === 'none' ? false : undefined,
    auth: { user: config.user, pass: config.password },
    logger: logger ? bridge(logger) : false,
    disableAutoIdle: !config.idle,
    autoIdleDelay: config.auto_idle_delay_ms,
    clientInfo: { name: 'Epistle' },
    connectionTimeout: 30_000,
    greetingTimeout: 16_000,
    ...overrides,
  });
}
