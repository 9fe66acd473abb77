// GET /api/sites/:site/comments?url=  -> the page's published thread.
// GET /api/sites/:site/comments.html?url=[&lang=][&frame=1] -> the same thread as HTML
//   (docs/thread-markup.md), or as a complete document for an <iframe>.
// GET /api/sites/:site/counts?url=a&url=b -> published counts for many pages.
// The thread's JSON comes from one CommentsReader per app, shared with the fast path in front
// of Express (src/http/fast-read.ts), so that both serve the same cached bytes. The HTML shares
// the JSON's cache (one memory bound for both), under its own keys.
import type { Request, Response } from 'express';
import { countComments } from '../../domain/comments/count-comments.js';
import { countThread, loadThread, threadRef } from '../../domain/comments/read-thread.js';
import { DomainError } from '../../domain/errors.js';
import type { Locale } from '../../domain/types.js';
import { locales } from '../../i18n/index.js';
import { renderFrameError, renderThreadFrame, renderThreadHtml, threadHeading } from '../../render/thread-html.js';
import type { HttpDeps } from '../deps.js';
import { describeError } from '../error-mapper.js';
import { requestLocale } from '../locale.js';
import { queryList, queryString, sendCached } from '../send-json.js';
import { VersionedCache, type Cached } from '../versioned-cache.js';
import { baseUrl } from './feeds.js';

/** The serialized thread of a page; rejects with a DomainError for an unknown site or a bad url. */
export type CommentsReader = (siteId: string, url: string) => Promise<Cached>;

export interface HtmlView {
  /** The language of the strings and dates; the site's when absent. */
  lang?: Locale;
  /** Set for the iframe document: this server's base URL, where /embed.css is served. */
  frameBase?: string;
}

/** The thread as HTML (fragment or iframe document), same errors as CommentsReader. */
export type ThreadHtmlReader = (siteId: string, url: string, view?: HtmlView) => Promise<Cached>;

export interface ThreadReaders {
  json: CommentsReader;
  html: ThreadHtmlReader;
}

type ReaderDeps = Pick<HttpDeps, 'sites' | 'store' | 'options'>;

export function createCommentsReader(deps: ReaderDeps, cache = new VersionedCache()): CommentsReader {
  return async (siteId, url) => {
    const ref = await threadRef(deps, siteId, url);
    const key = `${ref.siteId}\n${ref.pageUrl}`;
    const hit = cache.get(key, ref.version);
    if (hit) return hit;
    const thread = await loadThread(deps, ref);
    return cache.set(
      key,
      ref.version,
      JSON.stringify({ site: ref.siteId, url: ref.pageUrl, count: countThread(thread), comments: thread }),
      {},
    );
  };
}

export function createThreadHtmlReader(deps: ReaderDeps, cache = new VersionedCache()): ThreadHtmlReader {
  return async (siteId, url, view = {}) => {
    const ref = await threadRef(deps, siteId, url);
    const locale = view.lang ?? deps.sites.get(ref.siteId).locale;
    // "html:" cannot begin a site id, so these keys never meet the JSON's.
    const key = `html:${locale}\n${view.frameBase ?? ''}\n${ref.siteId}\n${ref.pageUrl}`;
    const hit = cache.get(key, ref.version);
    if (hit) return hit;
    const thread = await loadThread(deps, ref);
    const count = countThread(thread);
    const fragment = renderThreadHtml(thread, { siteId: ref.siteId, pageUrl: ref.pageUrl, locale, version: ref.version, count });
    const content =
      view.frameBase === undefined
        ? fragment
        : renderThreadFrame(fragment, {
            locale,
            pageUrl: ref.pageUrl,
            stylesheet: `${view.frameBase}/embed.css`,
            title: threadHeading(locale, count),
          });
    return cache.set(key, ref.version, content, {});
  };
}

/** One cache for the JSON and HTML of threads, bounded once. */
export function createThreadReaders(deps: ReaderDeps): ThreadReaders {
  const cache = new VersionedCache();
  return { json: createCommentsReader(deps, cache), html: createThreadHtmlReader(deps, cache) };
}

const htmlType = 'text/html; charset=utf-8';

export function readCommentsHandlers(deps: HttpDeps, readers: ThreadReaders = createThreadReaders(deps)) {
  async function comments(req: Request, res: Response) {
    sendCached(req, res, await readers.json(String(req.params.site), queryString(req.query.url)));
  }

  async function html(req: Request, res: Response) {
    const lang = queryString(req.query.lang).toLowerCase();
    const frame = ['1', 'true'].includes(queryString(req.query.frame));
    const view: HtmlView = {
      // An unknown language is not an error: a build must not break on it; the site's is used.
      ...((locales as string[]).includes(lang) ? { lang: lang as Locale } : {}),
      ...(frame ? { frameBase: baseUrl(req, deps.options.publicUrl) } : {}),
    };
    const siteId = String(req.params.site);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    let entry: Cached;
    try {
      entry = await readers.html(siteId, queryString(req.query.url), view);
    } catch (error) {
      // In an iframe a person reads the answer: the reason as a page, not the API's JSON.
      if (!frame || !(error instanceof DomainError)) throw error;
      const locale = requestLocale(req, deps.sites.find(siteId));
      const payload = describeError(error, locale);
      res.setHeader('Content-Security-Policy', "default-src 'none'");
      res.status(payload.status).type('html').send(renderFrameError(payload.message, locale));
      return;
    }
    const site = deps.sites.get(siteId);
    // Readers' text is escaped, and nothing in the thread runs; the policy says so to the browser
    // too. Only the site's own pages may frame it.
    // By origin: a source with a path (Epistle under /comments/) would match that one path only.
    const styles = view.frameBase ? ` style-src ${new URL(view.frameBase).origin};` : '';
    res.setHeader('Content-Security-Policy', `default-src 'none';${styles} frame-ancestors ${site.origins.join(' ')}`);
    sendCached(req, res, entry, htmlType);
  }

  async function counts(req: Request, res: Response) {
    const result = await countComments(deps, String(req.params.site), queryList(req.query.url));
    res.setHeader('Cache-Control', 'public, no-cache');
    res.json({ counts: result });
  }

  return { comments, html, counts };
}
