// Everything the embed asks of the Epistle server, and only of it. No cookies are sent or set.
import type { Strings } from './strings';

export interface ThreadComment {
  id: number;
  author: string;
  website: string | null;
  html: string;
  date: string;
  byOwner: boolean;
  replies: ThreadComment[];
}

export interface Thread {
  url: string;
  count: number;
  comments: ThreadComment[];
}

export interface PostAnswer {
  ok: boolean;
  error?: { message: string; field: string | null };
}

const options: RequestInit = { credentials: 'omit' };
const strings = new Map<string, Promise<Strings>>();

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...options, ...init });
  if (!response.ok) throw new Error(`${response.status} ${url}`);
  return (await response.json()) as T;
}

export function api(base: string, site: string) {
  const root = `${base}api/sites/${encodeURIComponent(site)}/`;
  const query = (urls: string[]) => urls.map((u) => `url=${encodeURIComponent(u)}`).join('&');
  return {
    /** The site's language (or `lang`) and its strings; asked once per page. */
    strings(lang = ''): Promise<Strings> {
      const url = `${root}strings${lang && `?lang=${encodeURIComponent(lang)}`}`;
      let pending = strings.get(url);
      if (!pending) strings.set(url, (pending = json<Strings>(url)));
      return pending;
    },
    thread: (url: string) => json<Thread>(`${root}comments?${query([url])}`),
    counts: (urls: string[]) => json<{ counts: Record<string, number> }>(`${root}counts?${query(urls)}`),
    async post(fields: Record<string, string | number | null>): Promise<PostAnswer> {
      const response = await fetch(`${root}comments`, {
        ...options,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fields),
      });
      if (response.ok) return { ok: true };
      const body = (await response.json().catch(() => ({}))) as { error?: PostAnswer['error'] };
      return { ok: false, ...(body.error ? { error: body.error } : {}) };
    },
  };
}

export type Api = ReturnType<typeof api>;
