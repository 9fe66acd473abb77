import type { Request } from 'express';
import type { Locale, Site } from '../domain/types.js';
import { fromAcceptLanguage } from '../i18n/index.js';

/** A site speaks its configured language; only where no site is known does Accept-Language choose. */
export function requestLocale(req: Request, site: Site | undefined): Locale {
  return site?.locale ?? fromAcceptLanguage(req.get('accept-language')) ?? 'en';
}
