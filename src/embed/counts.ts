// Index pages: every [data-epistle-count="<page url>"] gets its page's localized count, from one
// request per site. (The thread's root names its own count data-epistle-total, so it never matches.)
import { api } from './api';
import { all } from './dom';
import { plural } from './strings';

export async function fillCounts(base: string, defaultSite: string | undefined): Promise<void> {
  const bySite = new Map<string, Map<string, HTMLElement[]>>();
  for (const element of all<HTMLElement>(document, '[data-epistle-count]')) {
    const site = element.closest<HTMLElement>('[data-epistle-site]')?.dataset.epistleSite ?? defaultSite;
    const raw = element.dataset.epistleCount;
    if (!site || !raw) continue;
    const url = pageAddress(new URL(raw, document.baseURI));
    const pages = bySite.get(site) ?? new Map<string, HTMLElement[]>();
    pages.set(url, [...(pages.get(url) ?? []), element]);
    bySite.set(site, pages);
  }
  await Promise.all(
    [...bySite].map(async ([site, pages]) => {
      const server = api(base, site);
      const [s, { counts }] = await Promise.all([server.strings(), server.counts([...pages.keys()])]);
      for (const [url, elements] of pages) for (const element of elements) element.textContent = plural(s, 'count', counts[url] ?? 0);
    }),
  );
}

/** A page is named by its address without query and fragment, as the server stores it. */
export function pageAddress(url: URL): string {
  return url.origin + url.pathname;
}
