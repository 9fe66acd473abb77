import type { Logger } from 'pino';
import type { FeedStore } from '../domain/feeds/ports.js';
import type { NotificationPort } from '../domain/mail/notification.js';
import type { Clock, CommentStore, RateLimiter, Renderer } from '../domain/ports.js';
import type { SiteDirectory } from '../domain/sites.js';
import type { TemplateStore } from '../render/templates.js';

export interface HttpOptions {
  maxRequestBytes: number;
  /** Express "trust proxy" value: addresses/CIDRs or names such as "loopback". */
  trustedProxies: string[];
  demoPage: boolean;
  /** Site served by the Stacosys-compatible endpoints, if any. */
  stacosysSite?: string;
  /** [feeds]; absent: feeds served with the defaults. */
  feeds?: { enabled: boolean; maxItems: number };
  /** [server] public_url: the base of the links Epistle writes (feed self links); else the request's host. */
  publicUrl?: string;
}

export interface HttpDeps {
  sites: SiteDirectory;
  store: CommentStore;
  rateLimiter: RateLimiter;
  feedStore: FeedStore;
  clock: Clock;
  renderer: Renderer;
  logger: Logger;
  templates: TemplateStore;
  /** Queues the moderators' notification with each new comment (see src/services.ts). */
  notifications?: NotificationPort;
  /** Resolves when the service can serve (database reachable); rejects otherwise. */
  ready(): Promise<void>;
  options: HttpOptions;
}
