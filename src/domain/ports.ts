// What the use cases need from the outside world. Adapters live in src/db (SQL through Kysely), src/render,
// and the test fakes; the domain never imports them.
import type { OutgoingMail } from './mail/ports.js';
import type { RebuildRequest } from './rebuilds/ports.js';
import type { Comment, CommentStatus, NewComment, PublishedComment } from './types.js';

export interface CommentStore {
  /**
   * Creates the page row when missing, then the comment, in one transaction. When `notify` returns
   * a mail, that mail's Outbox row and the comment's notificationMessageId (= the mail's messageId)
   * are written in the same transaction, so a stored comment always has its notification queued.
   * `input.rebuild` (a published comment on a site that rebuilds) is recorded in it too.
   */
  createComment(input: NewComment, notify?: (comment: Comment) => OutgoingMail | null): Promise<Comment>;
  findComment(id: number): Promise<Comment | null>;
  listComments(filter: { siteId?: string; status?: CommentStatus; limit: number }): Promise<Comment[]>;
  /**
   * Moves a comment from `from` to `to` (with its rendered HTML when approving) and bumps the
   * page's version in the same transaction. Returns null when the comment was not in `from`
   * (another instance decided first), so a decision is applied at most once. A `rebuild` request
   * is recorded in the same transaction (src/domain/rebuilds), so the static site follows.
   */
  transition(
    id: number,
    from: CommentStatus,
    to: CommentStatus,
    html: string | null,
    at: Date,
    rebuild?: RebuildRequest | null,
  ): Promise<Comment | null>;
  /** A value that changes whenever the page's published comments change; null when no page. */
  pageVersion(siteId: string, url: string): Promise<{ pageId: number; version: number } | null>;
  approvedComments(pageId: number): Promise<PublishedComment[]>;
  countApproved(siteId: string, urls: string[]): Promise<Map<string, number>>;
  isApprovedOnPage(commentId: number, siteId: string, url: string): Promise<boolean>;
}

export interface RateLimiter {
  /** Counts one hit for `key` in the fixed window containing `now`; returns the window's count. */
  hit(key: string, windowMs: number, now: Date): Promise<number>;
}

export interface Clock {
  now(): Date;
}

export interface Renderer {
  /** Markdown to safe HTML (no raw HTML, no script links). */
  render(markdown: string): string;
}

export interface DomainLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}
