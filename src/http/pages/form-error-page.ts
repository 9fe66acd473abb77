// The page a reader sees when a form post without JavaScript is refused: the message in the
// site's language and the form again, refilled with what they typed.
import type { Response } from 'express';
import type { DomainError } from '../../domain/errors.js';
import { normalizePageUrl } from '../../domain/page-url.js';
import type { Site } from '../../domain/types.js';
import { translator } from '../../i18n/index.js';
import type { HttpDeps } from '../deps.js';
import { describeError } from '../error-mapper.js';
import type { FormValues } from '../routes/post-comment.js';
import { formLabels, formLimits } from './form-view.js';

export function renderFormError(deps: HttpDeps, res: Response, site: Site, error: DomainError, body: FormValues): void {
  const t = translator(site.locale, 'form');
  const payload = describeError(error, site.locale);
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  let backUrl: string | undefined;
  try {
    backUrl = normalizePageUrl(site, str(body.url));
  } catch {
    backUrl = undefined;
  }
  const values = {
    url: str(body.url),
    author: str(body.author),
    email: str(body.email),
    website: str(body.website),
    body: str(body.body),
    parent: str(body.parent),
  };
  const html = deps.templates.render('pages/form-error.html', {
    lang: site.locale,
    title: t('error_title'),
    intro: t('error_intro'),
    message: payload.message,
    hasForm: backUrl !== undefined,
    backUrl,
    back: t('back'),
    action: `/api/sites/${site.id}/comments`,
    values,
    labels: { ...formLabels(site.locale), submit: t('resend') },
    limits: formLimits(site),
  });
  if (payload.retryAfterSeconds) res.setHeader('Retry-After', String(payload.retryAfterSeconds));
  res.status(payload.status).type('html').send(html);
}
