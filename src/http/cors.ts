// CORS for one site's API: only that site's origins get the Access-Control-Allow-* headers, and a
// browser request announcing a foreign Origin cannot post (spam from other sites' pages). Epistle's
// own pages may post (the form error page sends the refilled form again from Epistle's origin).
// A refusal is logged with the origin and the site's allowed ones: most often it is the owner's
// own page, missing from [sites.<id>] origins.
import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../domain/errors.js';
import type { SiteDirectory } from '../domain/sites.js';
import type { Site } from '../domain/types.js';

/** The Access-Control-* headers of an answer to `origin` (none for a foreign or absent one). */
export function allowOriginHeaders(site: Site, origin: string | undefined): Array<[string, string]> {
  if (!origin || !site.origins.includes(origin)) return [];
  return [
    ['Access-Control-Allow-Origin', origin],
    ['Access-Control-Expose-Headers', 'ETag, X-Request-Id, Retry-After'],
  ];
}

/** Epistle's own origin as the request reached it, and its public URL's. */
function ownOrigins(req: Request, publicUrl: string | undefined): string[] {
  const own = [`${req.protocol}://${req.get('host') ?? ''}`];
  if (publicUrl && URL.canParse(publicUrl)) own.push(new URL(publicUrl).origin);
  return own;
}

export function siteCors(sites: SiteDirectory, publicUrl?: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    res.vary('Origin');
    const origin = req.get('origin');
    const site = sites.find(String(req.params.site));
    if (!origin || !site) return next();
    const allowed = site.origins.includes(origin);
    const refuse = () => {
      req.log.warn(
        { origin, site: site.id, allowedOrigins: site.origins },
        `origin ${origin} is not allowed for site ${site.id} (allowed: ${site.origins.join(', ')}); if the page is yours, add it to [sites.${site.id}] origins`,
      );
      return next(new DomainError('origin_not_allowed', `origin ${origin} is not allowed for site ${site.id}`));
    };
    for (const [name, value] of allowOriginHeaders(site, origin)) res.setHeader(name, value);
    if (req.method === 'OPTIONS') {
      if (!allowed) return refuse();
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
      res.setHeader('Access-Control-Max-Age', '600');
      return res.status(204).end();
    }
    if (req.method === 'POST' && !allowed && !ownOrigins(req, publicUrl).includes(origin)) return refuse();
    next();
  };
}
