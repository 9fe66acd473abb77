// The published thread of a page. Reading is split in two so that callers can cache: the page's
// version is one cheap indexed query, and the thread is only loaded when that version is new.
// The version lives in the database, so caches stay right when several instances share it.
import { createHash } from 'node:crypto';
import { normalizePageUrl } from '../page-url.js';
import type { CommentStore } from '../ports.js';
import type { SiteDirectory } from '../sites.js';
import type { PublishedComment } from '../types.js';

export interface ThreadComment {
  id: number;
  parent: number | null;
  author: string;
  website: string | null;
  /** SHA-256 of the trimmed, lower-cased email (Gravatar and Libravatar accept it), or null. */
  avatar: string | null;
  html: string;
  date: string;
  byOwner: boolean;
  replies: ThreadComment[];
}

export interface ThreadDeps {
  sites: SiteDirectory;
  store: CommentStore;
}

export interface ThreadRef {
  siteId: string;
  pageUrl: string;
  pageId: number | null;
  version: number;
}

export async function threadRef(deps: ThreadDeps, siteId: string, url: string): Promise<ThreadRef> {
  const site = deps.sites.get(siteId);
  const pageUrl = normalizePageUrl(site, url);
  const found = await deps.store.pageVersion(site.id, pageUrl);
  return { siteId: site.id, pageUrl, pageId: found?.pageId ?? null, version: found?.version ?? 0 };
}

export async function loadThread(deps: ThreadDeps, ref: ThreadRef): Promise<ThreadComment[]> {
  if (ref.pageId === null) return [];
  return buildTree(await deps.store.approvedComments(ref.pageId));
}

export function avatarHash(email: string | null): string | null {
  return email ? createHash('sha256').update(email.trim().toLowerCase()).digest('hex') : null;
}

/** Oldest first; a reply whose parent is not published is shown at the top level. */
export function buildTree(comments: PublishedComment[]): ThreadComment[] {
  const nodes = new Map<number, ThreadComment>();
  const sorted = [...comments].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
  for (const c of sorted) {
    nodes.set(c.id, {
      id: c.id,
      parent: c.parentId,
      author: c.author,
      website: c.website,
      avatar: avatarHash(c.email),
      html: c.html,
      date: c.createdAt.toISOString(),
      byOwner: c.byOwner,
      replies: [],
    });
  }
  const roots: ThreadComment[] = [];
  for (const node of nodes.values()) {
    const parent = node.parent === null ? undefined : nodes.get(node.parent);
    (parent ? parent.replies : roots).push(node);
  }
  return roots;
}

export function countThread(nodes: ThreadComment[]): number {
  return nodes.reduce((n, c) => n + 1 + countThread(c.replies), 0);
}
