// GET /demo: a page served by Epistle itself that shows the published comments of the `demo`
// site and a plain HTML form, so a fresh install can be tried without a static site.
import type { Request, Response } from 'express';
import { countThread, loadThread, threadRef, type ThreadComment } from '../../domain/comments/read-thread.js';
import { DomainError } from '../../domain/errors.js';
import { translator } from '../../i18n/index.js';
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
    const html = deps.templates.render('pages/demo.html', {
      lang: site.locale,
      title: t('demo_title'),
      intro: t('demo_intro'),
      pending: t('pending'),
      commentsTitle: t('demo_comments'),
      countLabel: t('demo_count', { count: countThread(comments) }),
      noComments: t('demo_no_comments'),
      moderateHint: t('demo_moderate', { command: 'npm run epistle -- comments list --status pending' }),
      comments: withDateText(comments, new Intl.DateTimeFormat(site.locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' })),
      action: `/api/sites/${site.id}/comments`,
      values: { url: pageUrl },
      labels: formLabels(site.locale),
      limits: formLimits(site),
    });
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(html);
  };
}

type Shown = ThreadComment & { dateText: string; replies: Shown[] };

function withDateText(nodes: ThreadComment[], format: Intl.DateTimeFormat): Shown[] {
  return nodes.map((c) => ({ ...c, dateText: `${format.format(new Date(c.date))} UTC`, replies: withDateText(c.replies, format) }));
}
