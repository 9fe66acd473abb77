// GET /api/sites/:site/strings[?lang=] -> {"lang", "strings"}: what the embed shows, in the site's
// language (or `lang`), from the same locales/ as the server's pages. The same for every page of
// a site, so browsers keep it for a while.
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Locale } from '../../domain/types.js';
import { embedFormKeys } from '../../i18n/embed-keys.js';
import { i18nInstance, pickLocale } from '../../i18n/index.js';
import type { HttpDeps } from '../deps.js';
import { queryString } from '../send-json.js';
import { etagMatches } from '../versioned-cache.js';

interface Body {
  body: string;
  etag: string;
}

export function embedStrings(lang: Locale): Record<string, unknown> {
  const i18n = i18nInstance();
  const form = i18n.getResourceBundle(lang, 'form') as Record<string, string>;
  return { ...Object.fromEntries(embedFormKeys.map((k) => [k, form[k]])), ...(i18n.getResourceBundle(lang, 'embed') as object) };
}

export function embedStringsHandler(deps: Pick<HttpDeps, 'sites'>) {
  const bodies = new Map<Locale, Body>();
  return (req: Request, res: Response) => {
    const site = deps.sites.get(String(req.params.site));
    const asked = queryString(req.query.lang);
    const lang = asked ? pickLocale(asked) : site.locale;
    let entry = bodies.get(lang);
    if (!entry) {
      const body = JSON.stringify({ lang, strings: embedStrings(lang) });
      entry = { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
      bodies.set(lang, entry);
    }
    res.setHeader('ETag', entry.etag);
    // A change of the site's language or an upgrade shows within ten minutes.
    res.setHeader('Cache-Control', 'public, max-age=600');
    if (etagMatches(req.get('if-none-match'), entry.etag)) {
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(entry.body);
  };
}
