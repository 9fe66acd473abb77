// A page is identified by its URL without query or fragment, and must be on one of the site's origins.
import { DomainError } from './errors.js';
import type { Site } from './types.js';

/** Accepts an absolute URL on the site's origins, or a path ("/posts/x/") resolved against the first origin. */
export function normalizePageUrl(site: Site, raw: string, field = 'url'): string {
  const text = raw.trim();
  if (text === '') throw new DomainError('invalid_field', 'url is required', { field, reason: 'url' });
  let url: URL;
  try {
    url = text.startsWith('/') && !text.startsWith('//') ? new URL(text, site.origins[0]) : new URL(text);
  } catch {
    throw new DomainError('invalid_field', 'url is not a valid URL', { field, reason: 'url' });
  }
  if (!site.origins.includes(url.origin)) {
    throw new DomainError('url_not_on_site', `url is not on the origins of site ${site.id}`, { field });
  }
  return `${url.origin}${url.pathname}`;
}

export function isOriginAllowed(site: Site, origin: string): boolean {
  return site.origins.includes(origin);
}
