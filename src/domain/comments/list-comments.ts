// The moderator's view: comments by site and status, newest first (CLI today, web admin later).
import type { CommentStore } from '../ports.js';
import type { SiteDirectory } from '../sites.js';
import type { Comment, CommentStatus } from '../types.js';

export async function listComments(
  deps: { sites: SiteDirectory; store: CommentStore },
  filter: { siteId?: string; status?: CommentStatus; limit?: number },
): Promise<Comment[]> {
  if (filter.siteId !== undefined) deps.sites.get(filter.siteId);
  return deps.store.listComments({ ...filter, limit: filter.limit ?? 100 });
}
