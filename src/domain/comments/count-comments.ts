// Published-comment counts for many pages in one query (list pages show a count per post).
import { DomainError } from '../errors.js';
import { normalizePageUrl } from '../page-url.js';
import type { CommentStore } from '../ports.js';
import type { SiteDirectory } from '../sites.js';

export const maxUrlsPerCount = 100;

export async function countComments(
  deps: { sites: SiteDirectory; store: CommentStore },
  siteId: string,
  urls: string[],
): Promise<Record<string, number>> {
  const site = deps.sites.get(siteId);
  if (urls.length === 0) throw new DomainError('invalid_field', 'give at least one url', { field: 'url' });
  if (urls.length > maxUrlsPerCount) {
    throw new DomainError('invalid_field', `at most ${maxUrlsPerCount} urls per request`, {
      field: 'url',
      params: { max: maxUrlsPerCount },
    });
  }
  const normalized = urls.map((u) => normalizePageUrl(site, u));
  const counts = await deps.store.countApproved(site.id, [...new Set(normalized)]);
  const result: Record<string, number> = {};
  urls.forEach((u, i) => {
    result[u] = counts.get(normalized[i] ?? '') ?? 0;
  });
  return result;
}
