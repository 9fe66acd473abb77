// The mail that tells a site's moderators about a new comment. Its Message-ID embeds the
// comment's id and secret token: a moderator's reply carries it back in In-Reply-To/References,
// which is how a reply is matched to its comment (and the token proves it came from our mail).
import type { Comment, Site } from '../types.js';
import type { OutgoingMail } from './ports.js';

/** Builds the notification for a comment just stored; null when the site has no moderators. */
export interface NotificationPort {
  forNewComment(site: Site, comment: Comment, context: { parentAuthor?: string }): OutgoingMail | null;
  /** Called once the comment and its notification are committed, so delivery can start at once. */
  stored?(): void;
}

export function notificationMessageId(commentId: number, token: string, domain: string): string {
  return `<epistle.${commentId}.${token}@${domain}>`;
}

/** The comment id and token inside a notification Message-ID (with or without angle brackets). */
export function parseNotificationMessageId(value: string): { commentId: number; token: string } | null {
  const match = /^<?epistle\.(\d{1,15})\.([0-9a-f]{16,128})@[^<>@\s]+>?$/i.exec(value.trim());
  if (!match?.[1] || !match[2]) return null;
  return { commentId: Number(match[1]), token: match[2].toLowerCase() };
}

/** A Message-ID safe to log or print: the secret token inside it is cut short. */
export function redactMessageId(value: string): string {
  return value.replace(/[0-9a-f]{32,}/gi, (token) => `${token.slice(0, 6)}…`);
}

/** The page's path (what a reader would recognize in a subject), or the URL when it has none. */
function pagePath(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}

export function notificationMail(site: Site, comment: Comment, options: { domain: string; parentAuthor?: string }): OutgoingMail | null {
  if (site.moderators.length === 0) return null;
  return {
    kind: 'notification',
    siteId: site.id,
    commentId: comment.id,
    to: [...site.moderators],
    template: 'notification',
    locale: site.locale,
    data: {
      siteName: site.name,
      pageUrl: comment.pageUrl,
      pagePath: pagePath(comment.pageUrl),
      author: comment.author,
      email: comment.email ?? '',
      website: comment.website ?? '',
      body: comment.body,
      commentId: comment.id,
      createdAt: comment.createdAt.toISOString(),
      ...(options.parentAuthor !== undefined ? { parentAuthor: options.parentAuthor } : {}),
    },
    messageId: notificationMessageId(comment.id, comment.token, options.domain),
  };
}
