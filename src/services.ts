// Composition root: configuration -> logger -> database -> use-case dependencies. The HTTP
// server, the CLI (and next the mail watcher and jobs) all start from here.
import type { Config, SiteConfig } from './config/schema.js';
import { openDatabase, type Database } from './db/client.js';
import { SqlCommentStore } from './db/comment-store.js';
import { SqlFeedStore } from './db/feed-store.js';
import { SqlMaintenanceStore } from './db/maintenance-store.js';
import { migrate, type MigrationReport } from './db/migrate.js';
import { SqlRateLimiter } from './db/rate-limiter.js';
import type { FeedStore } from './domain/feeds/ports.js';
import type { MaintenanceStore } from './domain/maintenance/ports.js';
import type { Clock, CommentStore, RateLimiter } from './domain/ports.js';
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
  store: CommentStore;
  rateLimiter: RateLimiter;
  /** Comment feeds (src/domain/feeds). */
  feedStore: FeedStore;
  /** Retention, reminders and digest (src/jobs). */
  maintenance: MaintenanceStore;
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
  const store = new SqlCommentStore(database.db);
  await store.upsertSites(sites.all());
  const clock: Clock = { now: () => new Date() };
  // outbox, notifications (used by submitComment), mailRenderer, deliverer (started by serve).
  const mail = createMailServices(config, logger, database.db, clock);
  // rebuildQueue, rebuilds (used by moderation), rebuildWorker (started by serve).
  const rebuild = await createRebuildServices(config, logger, database.db, clock);
  return {
    config,
    logger,
    database,
    sites,
    store,
    rateLimiter: new SqlRateLimiter(database.db),
    feedStore: new SqlFeedStore(database.db),
    maintenance: new SqlMaintenanceStore(database.db),
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
