// Which comment a reply is about. Mail clients copy the notification's Message-ID into
// In-Reply-To and References; that id carries the comment id and its secret token. There is no
// subject fallback: the notification subject names no comment (site, author and page only), and
// a subject could never carry the token, so such a match could not be authenticated anyway.
import { parseNotificationMessageId } from '../../domain/mail/notification.js';
import type { ReplyReference } from '../../domain/moderation/inbound-reply.js';

/** Every `<...>` id in a Message-ID list header (In-Reply-To, References). */
export function messageIds(value: string | undefined): string[] {
  return value ? [...value.matchAll(/<[^<>\s]+>/g)].map((m) => m[0]) : [];
}

/**
 * In-Reply-To first (the message being answered), then References from the newest: a reply to
 * our confirmation or help mail still names the notification further up the thread.
 */
export function findReference(inReplyTo: string[], references: string[]): ReplyReference | null {
  for (const id of [...inReplyTo, ...[...references].reverse()]) {
    const parsed = parseNotificationMessageId(id);
    if (parsed) return parsed;
  }
  return null;
}
