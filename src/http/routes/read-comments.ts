// GET /api/sites/:site/comments?url=  -> the page's published thread.
// GET /api/sites/:site/counts?url=a&url=b -> published counts for many pages.
// The thread's JSON comes from one CommentsReader per app, shared with the fast path in front
// of Express (src/http/fast-read.ts), so that both serve the same cached bytes.
import type { Request, Response } from 'express';
import { countComments } from '../../domain/comments/count-comments.js';
import { countThread, loadThread, threadRef } from '../../domain/comments/read-thread.js';
import type { HttpDeps } from '../deps.js';
import { queryList, queryString, sendCached } from '../send-json.js';
import { VersionedCache, type Cached } from '../versioned-cache.js';

/** The serialized thread of a page; rejects with a DomainError for an unknown site or a bad url. */
export type CommentsReader = (siteId: string, url: string) => Promise<Cached>;

export function createCommentsReader(deps: Pick<HttpDeps, 'sites' | 'store' | 'options'>): CommentsReader {
  const cache = new VersionedCache();
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

export function readCommentsHandlers(deps: HttpDeps, reader: CommentsReader = createCommentsReader(deps)) {
  async function comments(req: Request, res: Response) {
    sendCached(req, res, await reader(String(req.params.site), queryString(req.query.url)));
  }

  async function counts(req: Request, res: Response) {
    const result = await countComments(deps, String(req.params.site), queryList(req.query.url));
    res.setHeader('Cache-Control', 'public, no-cache');
    res.json({ counts: result });
  }

  return { comments, counts };
}
