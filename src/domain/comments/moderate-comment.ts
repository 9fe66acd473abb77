// The moderator's decision on a pending comment. Called by the CLI today, by the mail watcher
// next; both get the same rules: a decision is applied once, a repeat is a no-op, and a comment
// already decided otherwise is reported rather than silently changed.
import { DomainError } from '../errors.js';
import type { Clock, CommentStore, DomainLogger, Renderer } from '../ports.js';
import type { RebuildPlans } from '../rebuilds/request-rebuild.js';
import type { Comment, CommentStatus } from '../types.js';

export type Decision = 'approve' | 'drop' | 'spam';

const target: Record<Decision, CommentStatus> = { approve: 'approved', drop: 'dropped', spam: 'spam' };

export interface ModerateDeps {
  store: CommentStore;
  renderer: Renderer;
  clock: Clock;
  logger: DomainLogger;
  /** Sites whose static build follows their comments; absent: no rebuild is requested (tests, imports). */
  rebuilds?: RebuildPlans;
}

export type ModerationOutcome =
  { kind: 'applied'; comment: Comment } | { kind: 'unchanged'; comment: Comment } | { kind: 'already_decided'; comment: Comment };

export async function moderateComment(
  deps: ModerateDeps,
  input: {
    commentId: number;
    decision: Decision;
    force?: boolean;
    by: string;
    /** The comment as the caller just read it (saves a query; the transition below still checks its status). */
    known?: Comment;
  },
): Promise<ModerationOutcome> {
  const comment = input.known?.id === input.commentId ? input.known : await deps.store.findComment(input.commentId);
  if (!comment) throw new DomainError('comment_not_found', `no comment ${input.commentId}`, { params: { id: input.commentId } });
  const to = target[input.decision];
  if (comment.status === to) return { kind: 'unchanged', comment };
  if (comment.status !== 'pending' && !input.force) return { kind: 'already_decided', comment };

  // Rendered once, here, so that reads never run Markdown.
  const html = to === 'approved' ? deps.renderer.render(comment.body) : comment.html;
  // Only a change to what readers see rebuilds the site: pending -> dropped does not.
  const published = comment.status === 'approved' || to === 'approved';
  const rebuild = published ? deps.rebuilds?.forChange(comment.siteId, to === 'approved' ? 'approved' : 'unpublished') : null;
  const updated = await deps.store.transition(comment.id, comment.status, to, html, deps.clock.now(), rebuild);
  if (!updated) {
    // Another instance (or a duplicate mail) decided between our read and our write.
    const now = await deps.store.findComment(comment.id);
    if (!now) throw new DomainError('comment_not_found', `no comment ${input.commentId}`, { params: { id: input.commentId } });
    return now.status === to ? { kind: 'unchanged', comment: now } : { kind: 'already_decided', comment: now };
  }
  if (rebuild) deps.rebuilds?.recorded();
  deps.logger.info({ site: updated.siteId, commentId: updated.id, status: to, by: input.by }, 'comment moderated');
  if (to === 'spam') {
    // One stable line for fail2ban (docs/fail2ban.md); the IP is the reader's, kept for exactly this.
    deps.logger.warn({ event: 'spam', site: updated.siteId, commentId: updated.id }, `epistle spam from ${updated.clientIp ?? 'unknown'}`);
  }
  return { kind: 'applied', comment: updated };
}
