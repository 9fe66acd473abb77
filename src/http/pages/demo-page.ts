// GET /demo: a page served by Epistle itself for the `demo` site, so a fresh install can be tried
// without a static site. It is built the way docs/embedding.md tells site owners to build theirs:
// the thread rendered by the server inside the embed's container, the two-line embed (which takes
// that markup over), and the plain form for readers without JavaScript. Its own strict
// Content-Security-Policy (no inline script or style) proves the embed works under one.
import type { Request, Response } from 'express';
import { countThread, loadThread, threadRef } from '../../domain/comments/read-thread.js';
import { DomainError } from '../../domain/errors.js';
import { translator } from '../../i18n/index.js';
import { renderThreadHtml } from '../../render/thread-html.js';
import type { HttpDeps } from '../deps.js';
import { formLabels, formLimits } from './form-view.js';

export const demoSiteId = 'demo';

export function demoPageHandler(deps: HttpDeps) {
  return async (req: Request, res: Response) => {
    const site = deps.sites.find(demoSiteId);
    // Without a demo site the page does not exist: the usual 404, in the reader's language.
    if (!site) throw new DomainError('site_not_found', 'no [sites.demo] in the configuration', { params: { site: demoSiteId } });
    // The page's own address when the browser reached us on one of the demo origins.
    const own = `${req.protocol}://${req.get('host') ?? ''}`;
    const origin = site.origins.includes(own) ? own : site.origins[0];
    const pageUrl = `${origin}/demo`;
    const ref = await threadRef(deps, site.id, pageUrl);
    const comments = await loadThread(deps, ref);
    const t = translator(site.locale, 'form');
    const thread = renderThreadHtml(comments, {
      siteId: site.id,
      pageUrl: ref.pageUrl,
      locale: site.locale,
      version: ref.version,
      count: countThread(comments),
    });
    const html = deps.templates.render('pages/demo.html', {
      lang: site.locale,
      title: t('demo_title'),
      intro: t('demo_intro'),
      pending: t('pending'),
      site: site.id,
      pageUrl: ref.pageUrl,
      thread,
      moderateHint: t('demo_moderate', { command: 'npm run epistle -- comments list --status pending' }),
      action: `/api/sites/${site.id}/comments`,
      values: { url: pageUrl },
      labels: formLabels(site.locale),
      limits: formLimits(site),
    });
    res.setHeader('Cache-Control', 'no-store');
    // The form may be sent back to any of the demo origins (the 303 after a post goes to the page).
    const formTargets = ["'self'", ...site.origins].join(' ');
    res.setHeader(
      'Content-Security-Policy',
      `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action ${formTargets}; base-uri 'none'; frame-ancestors 'none'`,
    );
    res.type('html').send(html);
  };
}

/** GET /demo.css: the demo page's own look (the thread's is /embed.css). */
export function demoStylesheetHandler(deps: HttpDeps) {
  return (_req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('css').send(deps.templates.source('pages/demo.css'));
  };
}
