// The outbound mail parts of the composition root: outbox, notification builder, renderer and
// the deliverer with its sender (SMTP from [smtp], or the log when there is none).
import { messageIdDomain, moderationAddress } from '../config/sections/mail.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../db/client.js';
import { SqlOutbox, type OutboxQueue } from '../db/outbox.js';
import { notificationMail, type NotificationPort } from '../domain/mail/notification.js';
import type { Clock } from '../domain/ports.js';
import type { Logger } from '../log.js';
import { MailRenderer } from './render.js';
import { OutboxDeliverer, type DelivererOptions } from './smtp/deliverer.js';
import { LogSender, SmtpSender, type MailSender } from './smtp/sender.js';
import { createSmtpTransport } from './smtp/transport.js';

export interface MailServices {
  outbox: OutboxQueue;
  notifications: NotificationPort;
  mailRenderer: MailRenderer;
  /** Not running until start() (serve does it); stop() is final. */
  deliverer: OutboxDeliverer;
}

export function createMailRenderer(config: Config): MailRenderer {
  const sites = Object.entries(config.sites);
  return new MailRenderer({
    siteTemplateDirs: Object.fromEntries(sites.map(([id, s]) => [id, s.templates_dir])),
    siteNames: Object.fromEntries(sites.map(([id, s]) => [id, s.name])),
  });
}

export function createSender(config: Config, logger: Logger): MailSender {
  if (!config.smtp) return new LogSender(logger);
  return new SmtpSender(createSmtpTransport(config.smtp), config.smtp.from, moderationAddress(config.imap));
}

export function createMailServices(
  config: Config,
  logger: Logger,
  db: Db,
  clock: Clock,
  delivererOptions: Partial<DelivererOptions> = {},
): MailServices {
  const domain = messageIdDomain(config);
  const outbox = new SqlOutbox(db, domain);
  const mailRenderer = createMailRenderer(config);
  const log = logger.child({ component: 'mail' });
  const deliverer = new OutboxDeliverer(
    { outbox, renderer: mailRenderer, sender: createSender(config, log), logger: log, clock },
    delivererOptions,
  );
  const notifications: NotificationPort = {
    forNewComment: (site, comment, context) => notificationMail(site, comment, { domain, ...context }),
    stored: () => outbox.notifyEnqueued(),
  };
  return { outbox, notifications, mailRenderer, deliverer };
}
