// A reader submits a comment: validate, rate-limit, store as pending. Honeypot submissions
// look accepted to the sender but store nothing. The same use case serves the JSON API,
// the HTML form and the Stacosys-compatible endpoint.
import { DomainError } from '../errors.js';
import type { NotificationPort } from '../mail/notification.js';
import { normalizePageUrl } from '../page-url.js';
import type { Clock, CommentStore, DomainLogger, RateLimiter } from '../ports.js';
import type { SiteDirectory } from '../sites.js';
import { newModerationToken } from '../tokens.js';
import type { Comment } from '../types.js';
import { cleanCommentInput, cleanSingleLine, type RawCommentInput } from './comment-input.js';

export interface SubmitCommentDeps {
  sites: SiteDirectory;
  store: CommentStore;
  rateLimiter: RateLimiter;
  clock: Clock;
  logger: DomainLogger;
  /** Queues the moderators' notification with the comment; absent: no mail (unit tests, tools). */
  notifications?: NotificationPort;
}

export interface SubmitCommentInput extends RawCommentInput {
  siteId: string;
  /** The hidden field humans leave empty. */
  honeypot?: unknown;
  /** The page's title (optional); names the page in feeds when this comment creates its page. */
  title?: unknown;
  clientIp: string | null;
}

export type SubmitCommentResult = { kind: 'stored'; comment: Comment; pageUrl: string } | { kind: 'honeypot'; pageUrl: string };

const minute = 60_000;

export async function submitComment(deps: SubmitCommentDeps, input: SubmitCommentInput): Promise<SubmitCommentResult> {
  const site = deps.sites.get(input.siteId);
  const pageUrl = normalizePageUrl(site, typeof input.url === 'string' ? input.url : '');
  const clean = cleanCommentInput(site, input);

  if (site.limits.ratePerMinute > 0 && input.clientIp) {
    const now = deps.clock.now();
    const count = await deps.rateLimiter.hit(`comment:${site.id}:${input.clientIp}`, minute, now);
    if (count > site.limits.ratePerMinute) {
      const retryAfterSeconds = Math.ceil((minute - (now.getTime() % minute)) / 1000);
      throw new DomainError('rate_limited', 'too many comments from this address, try again in a minute', { retryAfterSeconds });
    }
  }

  if (typeof input.honeypot === 'string' && input.honeypot.trim() !== '') {
    deps.logger.info({ site: site.id, pageUrl, clientIp: input.clientIp }, 'honeypot filled: comment discarded');
    return { kind: 'honeypot', pageUrl };
  }

  if (clean.parentId !== null && !(await deps.store.isApprovedOnPage(clean.parentId, site.id, pageUrl))) {
    throw new DomainError('parent_not_found', 'parent is not a published comment of this page', { field: 'parent' });
  }

  const notifications = deps.notifications;
  const parentAuthor = notifications && clean.parentId !== null ? (await deps.store.findComment(clean.parentId))?.author : undefined;
  const notify = notifications
    ? (stored: Comment) => notifications.forNewComment(site, stored, parentAuthor !== undefined ? { parentAuthor } : {})
    : undefined;
  const comment = await deps.store.createComment(
    {
      siteId: site.id,
      pageUrl,
      parentId: clean.parentId,
      author: clean.author,
      email: clean.email,
      website: clean.website,
      body: clean.body,
      pageTitle: pageTitle(input.title),
      clientIp: input.clientIp,
      token: newModerationToken(),
    },
    notify,
  );
  notifications?.stored?.();
  deps.logger.info({ site: site.id, commentId: comment.id, pageUrl }, 'comment stored, pending moderation');
  return { kind: 'stored', comment, pageUrl };
}

const maxPageTitle = 200;

/** A title is a courtesy: an unusable one is ignored and a long one cut, never a refused comment. */
function pageTitle(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const title = [...cleanSingleLine(value, 'title')].slice(0, maxPageTitle).join('');
  return title === '' ? null : title;
}
