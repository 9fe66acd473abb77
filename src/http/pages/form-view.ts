import type { Locale, Site } from '../../domain/types.js';
import { translator } from '../../i18n/index.js';

export function formLabels(locale: Locale) {
  const t = translator(locale, 'form');
  return {
    author: t('author'),
    email: t('email'),
    website: t('website'),
    body: t('body'),
    bodyHint: t('body_hint'),
    honeypot: t('honeypot'),
    submit: t('submit'),
  };
}

export function formLimits(site: Site) {
  return {
    author: site.limits.authorLength,
    email: site.limits.emailLength,
    website: site.limits.websiteLength,
    body: site.limits.bodyLength,
  };
}
