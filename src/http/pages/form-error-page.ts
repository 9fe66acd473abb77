// The page a reader sees when a form post is refused, whatever refused it (their input, the rate
// limit, a foreign origin, a body too large to read, an unknown site, the database): the message
// in the site's language and the form again, refilled with what they typed. Where no form can be
// offered (an unknown site, a page address we cannot go back to) the text is shown to copy; where
// the body could not be read (413) the page says so and how to get the text back.
import type { Request, Response } from 'express';
import { normalizePageUrl } from '../../domain/page-url.js';
import type { Locale, Site } from '../../domain/types.js';
import { translator } from '../../i18n/index.js';
import type { HttpDeps } from '../deps.js';
import { describeError } from '../error-mapper.js';
import type { FormValues } from '../routes/post-comment.js';
import { formLabels, formLimits } from './form-view.js';

export interface FormErrorContext {
  /** The site posted to; undefined when there is no such site. */
  site: Site | undefined;
  locale: Locale;
  /** What the reader typed; undefined when the body could not be read. */
  values: FormValues | undefined;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

function pageOf(site: Site | undefined, url: string | undefined): string | undefined {
  if (!site || !url) return undefined;
  try {
    return normalizePageUrl(site, url);
  } catch {
    return undefined;
  }
}

export function renderFormError(deps: HttpDeps, req: Request, res: Response, error: unknown, ctx: FormErrorContext): void {
  const { site, locale } = ctx;
  const t = translator(locale, 'form');
  const payload = describeError(error, locale);
  // The API's wording for these speaks of JSON, bodies and origins; a person needs what happened and what to do.
  const readerMessage: Partial<Record<string, string>> = {
    payload_too_large: t('too_large'),
    bad_json: t('unreadable'),
    unsupported_media_type: t('unreadable'),
    origin_not_allowed: t('origin_refused'),
  };
  const message = readerMessage[payload.code] ?? payload.message;
  const typed = ctx.values;
  const values = {
    url: str(typed?.url),
    author: str(typed?.author),
    email: str(typed?.email),
    website: str(typed?.website),
    body: str(typed?.body),
    parent: str(typed?.parent),
  };
  const postedPage = pageOf(site, values.url);
  const hasForm = site !== undefined && typed !== undefined && postedPage !== undefined;
  const html = deps.templates.render('pages/form-error.html', {
    lang: locale,
    title: t('error_title'),
    intro: t('error_intro'),
    message,
    hasForm,
    // Nothing to resend it with, but the text is not lost: shown to copy.
    keptText: !hasForm && values.body !== '' ? values.body : undefined,
    keptLabel: t('kept_text'),
    backUrl: postedPage ?? pageOf(site, req.get('referer')),
    back: t('back'),
    action: site ? `/api/sites/${site.id}/comments` : '',
    values,
    labels: { ...formLabels(locale), submit: t('resend') },
    limits: site ? formLimits(site) : {},
  });
  if (payload.retryAfterSeconds) res.setHeader('Retry-After', String(payload.retryAfterSeconds));
  res.status(payload.status).type('html').send(html);
}
