import type { Logger } from 'pino';
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
  threadCacheEntries?: number;
}

export interface HttpDeps {
  sites: SiteDirectory;
  store: CommentStore;
  rateLimiter: RateLimiter;
  clock: Clock;
  renderer: Renderer;
  logger: Logger;
  templates: TemplateStore;
  /** Resolves when the service can serve (database reachable); rejects otherwise. */
  ready(): Promise<void>;
  options: HttpOptions;
}
