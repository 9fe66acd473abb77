// GET /api/sites/:site/feed.rss|feed.atom|feed.json[?url=<page>] -> the latest approved comments
// of the site, or of one page. Rendered once per site version (see src/http/versioned-cache.ts) and
// revalidated with ETag / If-None-Match or Last-Modified / If-Modified-Since.
import type { Request, Response } from 'express';
import { commentFeedRef, loadCommentFeed } from '../../domain/feeds/read-comment-feed.js';
import { feedContentTypes, renderCommentFeed, type FeedFormat } from '../../feeds/render-feed.js';
import type { HttpDeps } from '../deps.js';
import { HttpError } from '../http-error.js';
import { queryString } from '../send-json.js';
import { etagMatches, VersionedCache, type Cached } from '../versioned-cache.js';

export function feedHandler(deps: HttpDeps) {
  const cache = new VersionedCache<FeedExtra>(8 * 1024 * 1024);
  const settings = deps.options.feeds ?? { enabled: true, maxItems: 50 };
  const feedDeps = { sites: deps.sites, feeds: deps.feedStore };

  return (format: FeedFormat) => async (req: Request, res: Response) => {
    const siteId = String(req.params.site);
    if (!settings.enabled) {
      deps.sites.get(siteId); // an unknown site is still "site_not_found"
      throw new HttpError('not_found', 404, 'feeds are disabled');
    }
    const ref = await commentFeedRef(feedDeps, siteId, req.query.url === undefined ? undefined : queryString(req.query.url));
    const page = ref.pageUrl === null ? '' : `?url=${encodeURIComponent(ref.pageUrl)}`;
    const self = `${baseUrl(req, deps.options.publicUrl)}/api/sites/${encodeURIComponent(ref.site.id)}/feed.${format}${page}`;
    let entry = cache.get(self, ref.version);
    if (!entry) {
      const feed = await loadCommentFeed(feedDeps, ref, settings.maxItems);
      entry = cache.set(self, ref.version, renderCommentFeed(feed, format, self), { lastChange: feed.lastChange });
    }
    sendFeed(req, res, entry, feedContentTypes[format], deps.clock.now());
  };
}

/** The configured public URL, else the address the request came to (through trusted proxies). */
export function baseUrl(req: Request, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  const base = `${req.protocol}://${req.host}`;
  if (!URL.canParse(base)) throw new HttpError('not_found', 404, 'the Host header is not a host name');
  return new URL(base).origin;
}

/** The latest change to the comments in scope (Last-Modified), null when none. */
interface FeedExtra {
  lastChange: Date | null;
}

function sendFeed(req: Request, res: Response, entry: Cached<FeedExtra>, contentType: string, now: Date): void {
  res.setHeader('ETag', entry.etag);
  res.setHeader('Cache-Control', 'public, no-cache');
  const lastModified = httpLastModified(entry.lastChange, now);
  if (lastModified) res.setHeader('Last-Modified', lastModified.toUTCString());
  if (notModified(req, entry.etag, lastModified)) {
    res.status(304).end();
    return;
  }
  res.setHeader('Content-Type', contentType);
  res.end(entry.body);
}

/**
 * HTTP dates have one-second precision: two changes within the same second would share a date,
 * and a reader holding the first would be told the second is not modified. So a change is given
 * as Last-Modified only once it is at least a second old (RFC 9110 section 8.8.2.2); until
 * then readers revalidate with the ETag alone.
 */
function httpLastModified(lastChange: Date | null, now: Date): Date | undefined {
  if (!lastChange || now.getTime() - lastChange.getTime() < 1000) return undefined;
  return new Date(Math.floor(lastChange.getTime() / 1000) * 1000);
}

/** If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 section 13.2.2). */
function notModified(req: Request, etag: string, lastModified: Date | undefined): boolean {
  const ifNoneMatch = req.get('if-none-match');
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, etag);
  const since = Date.parse(req.get('if-modified-since') ?? '');
  return lastModified !== undefined && !Number.isNaN(since) && lastModified.getTime() <= since;
}
