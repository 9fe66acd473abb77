// The data of the mails that list pending comments (templates/email/reminder.* and digest.*):
// values only; wording, dates and escaping belong to the templates and the mail renderer.
import type { Site } from '../types.js';
import type { PendingSummary } from './ports.js';

/** How many comments one reminder or digest lists at most; a long list is read by nobody. */
export const listedPerMail = 100;

const excerptLength = 200;

export function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > excerptLength ? `${flat.slice(0, excerptLength - 1)}…` : flat;
}

export function pendingMailData(site: Site, comments: PendingSummary[], total = comments.length): Record<string, unknown> {
  return {
    siteName: site.name,
    count: total,
    shown: comments.length,
    more: total - comments.length,
    truncated: total > comments.length,
    comments: comments.map((c) => ({
      commentId: c.id,
      author: c.author,
      pageUrl: c.pageUrl,
      createdAt: c.createdAt.toISOString(),
      excerpt: excerpt(c.body),
    })),
  };
}

export const daysAgo = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000);
