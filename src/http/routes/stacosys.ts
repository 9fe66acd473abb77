// Stacosys-compatible endpoints for one configured site ([stacosys] site = "..."), so a site
// built for Stacosys can switch by changing the server address only. Shapes follow Stacosys:
// POST /newcomment (form: url, author, message, email, site, remarque = honeypot) -> 302,
// GET /api/comments?url= -> {"data": [...]}, GET /api/comments/count?url= -> {"count": N}.
import { Router, type Request, type Response } from 'express';
import { countComments } from '../../domain/comments/count-comments.js';
import { loadThread, threadRef, type ThreadComment } from '../../domain/comments/read-thread.js';
import { submitComment } from '../../domain/comments/submit-comment.js';
import { clientIp } from '../client-ip.js';
import type { HttpDeps } from '../deps.js';
import { queryString, sendCached } from '../send-json.js';
import { VersionedCache } from '../versioned-cache.js';
import { readBody } from './post-comment.js';

function flatten(nodes: ThreadComment[]): ThreadComment[] {
  return nodes.flatMap((n) => [n, ...flatten(n.replies)]).sort((a, b) => a.date.localeCompare(b.date));
}

/** Stacosys printed dates as "YYYY-MM-DD HH:MM:SS". */
function stacosysDate(iso: string): string {
  return iso.slice(0, 19).replace('T', ' ');
}

export function stacosysRouter(deps: HttpDeps, siteId: string): Router {
  const router = Router();
  const cache = new VersionedCache(8 * 1024 * 1024);

  router.post('/newcomment', async (req: Request, res: Response) => {
    const body = readBody(req);
    const result = await submitComment(deps, {
      siteId,
      url: body.url,
      author: body.author,
      email: body.email,
      website: body.site,
      body: body.message,
      honeypot: body.remarque,
      clientIp: clientIp(req),
    });
    res.redirect(302, `${result.pageUrl}#epistle-pending`);
  });

  router.get('/api/comments', async (req: Request, res: Response) => {
    const ref = await threadRef(deps, siteId, queryString(req.query.url));
    const key = ref.pageUrl;
    let entry = cache.get(key, ref.version);
    if (!entry) {
      const data = flatten(await loadThread(deps, ref)).map((c) => ({
        author: c.author,
        content: c.html,
        avatar: c.avatar,
        date: stacosysDate(c.date),
        ...(c.website ? { site: c.website } : {}),
      }));
      entry = cache.set(key, ref.version, JSON.stringify({ data }), {});
    }
    sendCached(req, res, entry);
  });

  router.get('/api/comments/count', async (req: Request, res: Response) => {
    const url = queryString(req.query.url);
    const counts = await countComments(deps, siteId, [url]);
    res.json({ count: counts[url] ?? 0 });
  });

  return router;
}
