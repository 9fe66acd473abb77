// The read API without Express. GET /api/sites/<site>/comments?url= is what every page view of
// every site asks, and Express's per-request machinery (prototype swaps, router walk) cost more
// than the rest of the read together (bench/README.md). This listener answers that one request
// shape itself, with the same reader and cache, headers, request id and access line as the
// Express route; any other request, and any read that fails (unknown site, bad url, database
// down), goes to the Express app untouched, which answers as it always does.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { SiteDirectory } from '../domain/sites.js';
import type { Logger } from '../log.js';
import { allowOriginHeaders } from './cors.js';
import { accessLog, requestIdFrom } from './request-log.js';
import type { CommentsReader } from './routes/read-comments.js';
import { queryString } from './send-json.js';
import { etagMatches, type Cached } from './versioned-cache.js';

// Only the canonical spelling; anything else (HEAD, a trailing slash, capitals, escapes) is
// Express's to route, so no request can be read differently by the two paths.
const commentsPath = /^\/api\/sites\/([a-z0-9][a-z0-9_-]{0,62})\/comments(?:\?(.*))?$/;

export interface FastReadDeps {
  sites: SiteDirectory;
  logger: Logger;
}

export function withFastCommentReads(deps: FastReadDeps, reader: CommentsReader, app: RequestListener): RequestListener {
  // The same component logger as the Express middleware's, so the lines are identical.
  const logAccess = accessLog(deps.logger.child({ component: 'http' }));
  return (req, res) => {
    const match = req.method === 'GET' && req.url !== undefined ? commentsPath.exec(req.url) : null;
    const siteId = match?.[1];
    if (!match || siteId === undefined) {
      app(req, res);
      return;
    }
    const arrived = performance.now();
    reader(siteId, queryString(parseQuery(match[2] ?? '').url)).then(
      (entry) => {
        try {
          send(req, res, siteId, entry, arrived);
        } catch (error) {
          deps.logger.error({ err: error, path: req.url }, 'read fast path failed');
          res.destroy();
        }
      },
      () => app(req, res),
    );
  };

  function send(req: IncomingMessage, res: ServerResponse, siteId: string, entry: Cached, arrived: number): void {
    const reqId = requestIdFrom(req.headers['x-request-id']);
    logAccess(req, res, reqId, req.url ?? '', arrived);
    // Same headers, same order, as requestLog + siteCors + sendCached on the Express path.
    res.setHeader('X-Request-Id', reqId);
    res.setHeader('Vary', 'Origin');
    const site = deps.sites.find(siteId);
    if (site) for (const [name, value] of allowOriginHeaders(site, req.headers.origin)) res.setHeader(name, value);
    res.setHeader('ETag', entry.etag);
    res.setHeader('Cache-Control', 'public, no-cache');
    if (etagMatches(req.headers['if-none-match'], entry.etag)) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(entry.body);
  }
}
