// createApp builds the Express application from its dependencies and never listens: tests call
// it in process, src/server.ts binds it to the configured address, behind the read API's fast
// path (createRequestListener, src/http/fast-read.ts).
import type { RequestListener } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { siteCors } from './cors.js';
import type { HttpDeps } from './deps.js';
import { embedAssetPath, embedAssetsHandler } from './embed-assets.js';
import { describeError, errorBody } from './error-mapper.js';
import { HttpError } from './http-error.js';
import { requestLocale } from './locale.js';
import { withFastCommentReads } from './fast-read.js';
import { formPostOf, markFormPosts, typedValues } from './form-posts.js';
import { demoPageHandler, demoStylesheetHandler } from './pages/demo-page.js';
import { renderFormError } from './pages/form-error-page.js';
import { requestLog } from './request-log.js';
import { feedHandler } from './routes/feeds.js';
import { postCommentHandler } from './routes/post-comment.js';
import { embedStringsHandler } from './routes/embed-strings.js';
import { createThreadReaders, readCommentsHandlers, type ThreadReaders } from './routes/read-comments.js';
import { stacosysRouter } from './routes/stacosys.js';

/** What the HTTP server runs: GET comments answered without Express, everything else by the app. */
export function createRequestListener(deps: HttpDeps): RequestListener {
  const readers = createThreadReaders(deps);
  return withFastCommentReads(deps, readers.json, createApp(deps, readers));
}

export function createApp(deps: HttpDeps, readers: ThreadReaders = createThreadReaders(deps)): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false); // read routes set their own, computed once per version
  app.set('trust proxy', deps.options.trustedProxies.length ? deps.options.trustedProxies : false);
  app.set('query parser', 'simple');

  app.use(requestLog(deps.logger.child({ component: 'http' })));
  // Before the body is read, so that a 413 on a form post is answered with a page too.
  app.use(markFormPosts(deps.options.stacosysSite));
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
  const read = readCommentsHandlers(deps, readers);
  api.use((req, res, next) => {
    res.locals.siteId = req.params.site; // for the error handler, which sits outside this router
    next();
  });
  api.use(siteCors(deps.sites, deps.options.publicUrl));
  api.post('/comments', postCommentHandler(deps));
  api.get('/comments', read.comments);
  api.get('/comments.html', read.html);
  api.get('/counts', read.counts);
  api.get('/strings', embedStringsHandler(deps));
  const feed = feedHandler(deps);
  api.get('/feed.rss', feed('rss'));
  api.get('/feed.atom', feed('atom'));
  api.get('/feed.json', feed('json'));
  app.use('/api/sites/:site', api);

  if (deps.options.stacosysSite) app.use(stacosysRouter(deps, deps.options.stacosysSite));
  if (deps.options.demoPage) {
    app.get('/demo', demoPageHandler(deps));
    app.get('/demo.css', demoStylesheetHandler(deps));
  }

  app.use((_req, _res, next) => next(new HttpError('not_found', 404, 'no such route')));
  app.use(errorHandler(deps));
  return app;
}

function errorHandler(deps: HttpDeps) {
  // Express recognizes error handlers by their four parameters.
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const post = formPostOf(res);
    const siteId = (res.locals.siteId as string | undefined) ?? post?.siteId;
    const site = siteId ? deps.sites.find(siteId) : undefined;
    const locale = requestLocale(req, site);
    const payload = describeError(error, locale);
    if (payload.status >= 500) req.log.error({ err: error }, 'unhandled error');
    else req.log.debug({ code: payload.code, field: payload.field }, 'request refused');
    if (res.headersSent) return;
    // A person pressed Send on a page: they get a page, in their site's language, text kept.
    if (post) {
      renderFormError(deps, req, res, error, { site, locale, values: typedValues(req, post) });
      return;
    }
    if (payload.retryAfterSeconds) res.setHeader('Retry-After', String(payload.retryAfterSeconds));
    res.status(payload.status).json(errorBody(payload));
  };
}
