// Watches the moderation mailbox: IMAP IDLE pushes new mail (imapflow's `exists` event), a
// scheduled poll (poll-job.ts) is the fallback, and a lost connection is replaced after an
// exponential backoff. Each look at the mailbox is a pass (pass.ts): fetch, handle (the database
// decides what was already handled), then move to Processed or Rejected. Mail that is not a
// reply to Epistle is left in place and remembered for this connection only.
import type { ImapFlow, ImapFlowOptions } from 'imapflow';
import type { ImapConfig } from '../../config/sections/mail.js';
import { SqlInboundStore } from '../../db/inbound-store.js';
import type { Services } from '../../services.js';
import type { DnsResolver } from '../reply/authenticate.js';
import { createImapClient } from './client.js';
import type { MessageDeps } from './handle-message.js';
import { ensureFolders } from './mailbox.js';
import { mailboxPass } from './pass.js';

export interface MailWatcher {
  /** Looks at the mailbox now (reconnecting first if needed); resolves when the pass is done. */
  pollOnce(): Promise<void>;
  stop(): Promise<void>;
}

export interface WatcherOptions {
  /** DNS TXT lookups for DKIM (tests serve their own key); default: the system resolver. */
  dkimResolver?: DnsResolver;
  /** Extra imapflow options, e.g. `tls.ca` for a private server. */
  imap?: Partial<ImapFlowOptions>;
  backoff?: { initialMs: number; maxMs: number };
  /** Replies fetched, handled and filed together (one chunk). */
  batchSize?: number;
  /** Replies (about different comments) handled at the same time. */
  concurrency?: number;
}

type WatcherServices = Pick<Services, 'config' | 'logger' | 'database' | 'sites' | 'store' | 'renderer' | 'clock' | 'outbox'>;

export function startMailWatcher(services: WatcherServices, options: WatcherOptions = {}): MailWatcher {
  if (!services.config.imap) throw new Error('startMailWatcher needs an [imap] section');
  const config: ImapConfig = services.config.imap;
  const logger = services.logger.child({ component: 'imap' });
  const inbound = new SqlInboundStore(services.database.db);
  const deps: MessageDeps = {
    ...services,
    logger,
    answers: inbound,
    processed: inbound,
    confirmations: services.config.mail.confirmations,
    ...(options.dkimResolver ? { dkimResolver: options.dkimResolver } : {}),
  };
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 60_000 };
  const batchSize = options.batchSize ?? 200;
  const concurrency = options.concurrency ?? 8;

  let stopped = false;
  let client: ImapFlow | undefined;
  let connecting: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  // UID -> time before which it is not looked at again (reset with each new connection).
  let skip = new Map<number, number>();
  let draining: Promise<void> | undefined;
  let again = false;

  const scheduleReconnect = () => {
    if (stopped || timer || connecting) return;
    const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** failures) * (0.8 + Math.random() * 0.4);
    failures++;
    logger.info({ delayMs: Math.round(delay), attempt: failures }, 'IMAP reconnecting after a delay');
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delay);
  };

  const connect = (): Promise<void> => {
    connecting ??= (async () => {
      const c = createImapClient(config, logger, options.imap);
      c.on('error', (err: Error) => logger.warn({ err: err.message }, 'IMAP connection error'));
      c.on('close', () => {
        if (client !== c) return;
        client = undefined;
        if (!stopped) logger.warn('IMAP connection closed');
        scheduleReconnect();
      });
      c.on('exists', (event: { path: string; count: number; prevCount: number }) => {
        if (event.path === config.mailbox && event.count > event.prevCount) void drain();
      });
      try {
        await c.connect();
        const created = await ensureFolders(c, [config.processed_folder, config.rejected_folder]);
        if (created.length) logger.info({ folders: created }, 'IMAP folders created');
        await c.mailboxOpen(config.mailbox);
      } catch (error) {
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'IMAP connection failed');
        c.close();
        return;
      }
      if (stopped) return void (await c.logout().catch(() => c.close()));
      client = c;
      failures = 0;
      skip = new Map();
      logger.info({ host: config.host, mailbox: config.mailbox, idle: config.idle }, 'watching the moderation mailbox');
    })().finally(() => {
      connecting = undefined;
      if (!client) scheduleReconnect();
    });
    return connecting.then(() => (client ? drain() : undefined));
  };

  // One pass at a time; new mail during a pass (IDLE, poll) makes it go round once more.
  function drain(): Promise<void> {
    if (draining) {
      again = true;
      return draining;
    }
    draining = (async () => {
      do {
        again = false;
        const c = client;
        if (!c || stopped) return;
        try {
          await mailboxPass({ client: c, config, deps, logger, skip, batchSize, concurrency, stopped: () => stopped });
        } catch (error) {
          logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'reading the mailbox failed');
          return;
        }
      } while (again && !stopped);
    })().finally(() => {
      draining = undefined;
    });
    return draining;
  }

  void connect();

  return {
    async pollOnce() {
      if (stopped) return;
      if (!client) {
        clearTimeout(timer);
        timer = undefined;
        await connect();
        if (!client) throw new Error('IMAP: not connected (see the log for the cause)');
        return;
      }
      await drain();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await connecting?.catch(() => undefined);
      await draining;
      const c = client;
      client = undefined;
      if (c) await c.logout().catch(() => c.close());
    },
  };
}
