// Feeds of approved comments, for a whole site or for one page: the latest ones, newest first,
// each with an id that never changes (not even when the comment is edited or re-rendered), so a
// feed reader shows it once. Split in two like the thread read: the site's version is one cheap
// query, and the feed is only loaded when that version is new to the caller's cache.
import { normalizePageUrl } from '../page-url.js';
import type { SiteDirectory } from '../sites.js';
import type { Site } from '../types.js';
import type { FeedComment, FeedStore } from './ports.js';

export interface CommentFeedDeps {
  sites: SiteDirectory;
  feeds: FeedStore;
}

export interface CommentFeedRef {
  site: Site;
  /** Normalized page URL for one page's feed, null for the site's. */
  pageUrl: string | null;
  version: number;
  siteCreatedAt: Date;
}

export interface CommentFeedEntry {
  id: string;
  author: string;
  authorUrl: string | null;
  pageUrl: string;
  /** The page's title, or its path when it has none. */
  pageTitle: string;
  /** The page URL with the comment's anchor (templates/pages/comment.partial.html). */
  link: string;
  html: string;
  published: Date;
  updated: Date;
}

export interface CommentFeed {
  site: Site;
  /** Set for one page's feed. */
  page: { url: string; title: string } | null;
  id: string;
  /** The web page the feed belongs to. */
  home: string;
  /** The latest change to the comments in scope, or the site's creation when none. */
  updated: Date;
  /** The latest change to the comments in scope, null when none ever changed. */
  lastChange: Date | null;
  entries: CommentFeedEntry[];
}

export async function commentFeedRef(deps: CommentFeedDeps, siteId: string, url: string | undefined): Promise<CommentFeedRef> {
  const site = deps.sites.get(siteId);
  const pageUrl = url === undefined ? null : normalizePageUrl(site, url);
  const state = await deps.feeds.siteFeedState(site.id);
  return { site, pageUrl, version: state?.version ?? 0, siteCreatedAt: state?.createdAt ?? new Date(0) };
}

export async function loadCommentFeed(deps: CommentFeedDeps, ref: CommentFeedRef, limit: number): Promise<CommentFeed> {
  const { site, pageUrl } = ref;
  const scope = { siteId: site.id, pageUrl };
  const [comments, lastChange, storedTitle] = await Promise.all([
    deps.feeds.latestApproved({ ...scope, limit }),
    deps.feeds.lastChange(scope),
    pageUrl === null ? Promise.resolve(null) : deps.feeds.pageTitle(site.id, pageUrl),
  ]);
  const host = tagAuthority(site);
  const scopeName = pageUrl === null ? 'comments' : `comments?page=${encodeURIComponent(pageUrl)}`;
  return {
    site,
    page: pageUrl === null ? null : { url: pageUrl, title: storedTitle ?? pathOf(pageUrl) },
    // RFC 4151 tag URIs: unique without a registry, and independent of where Epistle is served.
    id: `tag:${host},${day(ref.siteCreatedAt)}:${site.id}/${scopeName}`,
    home: pageUrl ?? `${site.origins[0] ?? ''}/`,
    updated: lastChange ?? ref.siteCreatedAt,
    lastChange,
    entries: comments.map((c) => toEntry(site, host, c)),
  };
}

function toEntry(site: Site, host: string, c: FeedComment): CommentFeedEntry {
  return {
    id: `tag:${host},${day(c.createdAt)}:${site.id}/comment/${c.id}`,
    author: c.author,
    authorUrl: c.website,
    pageUrl: c.pageUrl,
    pageTitle: c.pageTitle ?? pathOf(c.pageUrl),
    link: `${c.pageUrl}#comment-${c.id}`,
    html: c.html,
    published: c.createdAt,
    updated: c.decidedAt ?? c.createdAt,
  };
}

/** The host of the site's first origin: a tag URI's authority has no port and no brackets. */
function tagAuthority(site: Site): string {
  const origin = site.origins[0];
  return origin ? new URL(origin).hostname.replace(/^\[|\]$/g, '').replaceAll(':', '.') : site.id;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function pathOf(url: string): string {
  const path = new URL(url).pathname;
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}
