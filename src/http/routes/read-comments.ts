// GET /api/sites/:site/comments?url=  -> the page's published thread.
// GET /api/sites/:site/counts?url=a&url=b -> published counts for many pages.
import type { Request, Response } from 'express';
import { countComments } from '../../domain/comments/count-comments.js';
import { countThread, loadThread, threadRef } from '../../domain/comments/read-thread.js';
import type { HttpDeps } from '../deps.js';
import { queryList, queryString, sendCached } from '../send-json.js';
import { ResponseCache } from '../thread-cache.js';

export function readCommentsHandlers(deps: HttpDeps) {
  const cache = new ResponseCache(deps.options.threadCacheEntries);

  async function comments(req: Request, res: Response) {
    const ref = await threadRef(deps, String(req.params.site), queryString(req.query.url));
    const key = `${ref.siteId}\n${ref.pageUrl}`;
    let entry = cache.get(key, ref.version);
    if (!entry) {
      const thread = await loadThread(deps, ref);
      entry = cache.set(key, ref.version, { site: ref.siteId, url: ref.pageUrl, count: countThread(thread), comments: thread });
    }
    sendCached(req, res, entry);
  }

  async function counts(req: Request, res: Response) {
    const result = await countComments(deps, String(req.params.site), queryList(req.query.url));
    res.setHeader('Cache-Control', 'public, no-cache');
    res.json({ counts: result });
  }

  return { comments, counts };
}
