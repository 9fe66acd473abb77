// Composition root: configuration -> logger -> database -> use-case dependencies. The HTTP
// server, the CLI (and next the mail watcher and jobs) all start from here.
import type { Config, SiteConfig } from './config/schema.js';
import { openDatabase, type Database } from './db/client.js';
import { PrismaCommentStore } from './db/comment-store.js';
import { PrismaFeedStore } from './db/feed-store.js';
import { PrismaMaintenanceStore } from './db/maintenance-store.js';
import { migrate, type MigrationReport } from './db/migrate.js';
import { PrismaRateLimiter } from './db/rate-limiter.js';
import type { Clock } from './domain/ports.js';
import { SiteDirectory } from './domain/sites.js';
import type { Site } from './domain/types.js';
import type { Logger } from './log.js';
import { createMailServices, type MailServices } from './mail/mail-services.js';
import { createRebuildServices, type RebuildServices } from './rebuild/rebuild-services.js';
import { createMarkdownRenderer } from './render/markdown.js';
import { TemplateStore } from './render/templates.js';

export function toSite(id: string, s: SiteConfig): Site {
  return {
    id,
    name: s.name,
    origins: s.origins.map((o) => new URL(o).origin),
    moderators: s.moderators.map((m) => m.trim().toLowerCase()),
    locale: s.locale,
    ownerName: s.owner_name ?? s.name,
    requireDkim: s.require_dkim,
    limits: {
      ratePerMinute: s.rate_limit_per_minute,
      authorLength: s.max_author_length,
      emailLength: s.max_email_length,
      websiteLength: s.max_website_length,
      bodyLength: s.max_body_length,
    },
  };
}

export interface Services extends MailServices, RebuildServices {
  config: Config;
  logger: Logger;
  database: Database;
  sites: SiteDirectory;
  store: PrismaCommentStore;
  rateLimiter: PrismaRateLimiter;
  /** Comment feeds (src/domain/feeds). */
  feedStore: PrismaFeedStore;
  /** Retention, reminders and digest (src/jobs). */
  maintenance: PrismaMaintenanceStore;
  clock: Clock;
  renderer: ReturnType<typeof createMarkdownRenderer>;
  templates: TemplateStore;
  migrations: MigrationReport;
  close(): Promise<void>;
}

export async function createServices(config: Config, logger: Logger): Promise<Services> {
  const migrations = await migrate(config.database.url);
  if (migrations.applied.length) logger.info({ applied: migrations.applied }, 'database migrated');
  const database = await openDatabase(config.database.url);
  const sites = new SiteDirectory(Object.entries(config.sites).map(([id, s]) => toSite(id, s)));
  const store = new PrismaCommentStore(database.prisma);
  await store.upsertSites(sites.all());
  const clock: Clock = { now: () => new Date() };
  // outbox, notifications (used by submitComment), mailRenderer, deliverer (started by serve).
  const mail = createMailServices(config, logger, database.prisma, clock);
  // rebuildQueue, rebuilds (used by moderation), rebuildWorker (started by serve).
  const rebuild = await createRebuildServices(config, logger, database.prisma, clock);
  return {
    config,
    logger,
    database,
    sites,
    store,
    rateLimiter: new PrismaRateLimiter(database.prisma),
    feedStore: new PrismaFeedStore(database.prisma),
    maintenance: new PrismaMaintenanceStore(database.prisma),
    clock,
    ...mail,
    ...rebuild,
    renderer: createMarkdownRenderer(),
    templates: new TemplateStore(),
    migrations,
    close: async () => {
      await Promise.all([mail.deliverer.stop(), rebuild.rebuildWorker.stop()]);
      await database.close();
    },
  };
}
