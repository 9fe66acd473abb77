// createApp builds the Express application from its dependencies and never listens: tests call
// it in process, src/server.ts binds it to the configured address, behind the read API's fast
// path (createRequestListener, src/http/fast-read.ts).
import type { RequestListener } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { DomainError } from '../domain/errors.js';
import { siteCors } from './cors.js';
import type { HttpDeps } from './deps.js';
import { embedAssetPath, embedAssetsHandler } from './embed-assets.js';
import { describeError, errorBody } from './error-mapper.js';
import { HttpError } from './http-error.js';
import { requestLocale } from './locale.js';
import { withFastCommentReads } from './fast-read.js';
import { demoPageHandler } from './pages/demo-page.js';
import { renderFormError } from './pages/form-error-page.js';
import { requestLog } from './request-log.js';
import { feedHandler } from './routes/feeds.js';
import { postCommentHandler, type FormValues } from './routes/post-comment.js';
import { embedStringsHandler } from './routes/embed-strings.js';
import { createCommentsReader, readCommentsHandlers, type CommentsReader } from './routes/read-comments.js';
import { stacosysRouter } from './routes/stacosys.js';

/** What the HTTP server runs: GET comments answered without Express, everything else by the app. */
export function createRequestListener(deps: HttpDeps): RequestListener {
  const reader = createCommentsReader(deps);
  return withFastCommentReads(deps, reader, createApp(deps, reader));
}

export function createApp(deps: HttpDeps, reader: CommentsReader = createCommentsReader(deps)): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false); // read routes set their own, computed once per version
  app.set('trust proxy', deps.options.trustedProxies.length ? deps.options.trustedProxies : false);
  app.set('query parser', 'simple');

  app.use(requestLog(deps.logger.child({ component: 'http' })));
  const limit = deps.options.maxRequestBytes;
  app.use(express.json({ limit, strict: true, type: ['application/json', 'application/*+json'] }));
  app.use(express.urlencoded({ limit, extended: false, parameterLimit: 50 }));

  app.get(embedAssetPath, embedAssetsHandler(deps.logger.child({ component: 'embed' })));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await deps.ready();
      res.json({ status: 'ready' });
    } catch (error) {
      deps.logger.warn({ err: error }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable' });
    }
  });

  const api = express.Router({ mergeParams: true });
  const read = readCommentsHandlers(deps, reader);
  api.use((req, res, next) => {
    res.locals.siteId = req.params.site; // for the error handler, which sits outside this router
    next();
  });
  api.use(siteCors(deps.sites));
  api.post('/comments', postCommentHandler(deps));
  api.get('/comments', read.comments);
  api.get('/counts', read.counts);
  api.get('/strings', embedStringsHandler(deps));
  const feed = feedHandler(deps);
  api.get('/feed.rss', feed('rss'));
  api.get('/feed.atom', feed('atom'));
  api.get('/feed.json', feed('json'));
  app.use('/api/sites/:site', api);

  if (deps.options.stacosysSite) app.use(stacosysRouter(deps, deps.options.stacosysSite));
  if (deps.options.demoPage) app.get('/demo', demoPageHandler(deps));

  app.use((_req, _res, next) => next(new HttpError('not_found', 404, 'no such route')));
  app.use(errorHandler(deps));
  return app;
}

function errorHandler(deps: HttpDeps) {
  // Express recognizes error handlers by their four parameters.
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const form = res.locals.form as { siteId: string; values: FormValues } | undefined;
    const siteId = (res.locals.siteId as string | undefined) ?? form?.siteId;
    const site = siteId ? deps.sites.find(siteId) : undefined;
    if (form && site && error instanceof DomainError && error.code !== 'site_not_found') {
      renderFormError(deps, res, site, error, form.values);
      return;
    }
    const payload = describeError(error, requestLocale(req, site));
    if (payload.status >= 500) req.log.error({ err: error }, 'unhandled error');
    else req.log.debug({ code: payload.code, field: payload.field }, 'request refused');
    if (payload.retryAfterSeconds) res.setHeader('Retry-After', String(payload.retryAfterSeconds));
    if (res.headersSent) return;
    res.status(payload.status).json(errorBody(payload));
  };
}
