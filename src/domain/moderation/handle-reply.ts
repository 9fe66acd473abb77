// A moderator's emailed reply to a notification: handled once, authenticated, then applied.
// Authentication: the Message-ID it answers carries the comment's secret token (compared in
// constant time), From is one of the site's moderators and, when the site requires it, DKIM
// passes for the From domain. A rejected reply changes nothing and is never answered (its
// sender may be anyone); machine-sent mail (out-of-office, bounces) is ignored and never answered.
import { timingSafeEqual } from 'node:crypto';
import { answerComment, type AnswerDeps } from '../comments/answer-comment.js';
import { moderateComment } from '../comments/moderate-comment.js';
import { DomainError } from '../errors.js';
import type { Outbox, OutgoingMail } from '../mail/ports.js';
import type { Comment, Site } from '../types.js';
import type { InboundReply, ReplyCommand } from './inbound-reply.js';
import type { ProcessedMailLog, ProcessedOutcome } from './ports.js';

export interface HandleReplyDeps extends AnswerDeps {
  outbox: Outbox;
  processed: ProcessedMailLog;
  /** Confirm each applied command to the moderator by mail ([mail] confirmations). */
  confirmations: boolean;
}

export type ConfirmationOutcome = 'approved' | 'dropped' | 'spam' | 'answered' | 'unchanged' | 'already_decided';

export type ReplyResult =
  /** Another instance is handling the same mail right now: leave it where it is. */
  | { kind: 'busy' }
  /** Handled before (same Message-ID): nothing to do but file it again. */
  | { kind: 'duplicate'; rejected: boolean }
  | { kind: 'ignored'; reason: string; commentId: number | null }
  | { kind: 'rejected'; reason: string; commentId: number | null }
  | { kind: 'help'; commentId: number }
  | { kind: 'acted'; commentId: number; outcome: ConfirmationOutcome };

/** Where the mail goes afterwards; null: stays in the inbox. */
export function folderFor(result: ReplyResult): 'processed' | 'rejected' | null {
  if (result.kind === 'busy') return null;
  if (result.kind === 'rejected' || (result.kind === 'duplicate' && result.rejected)) return 'rejected';
  return 'processed';
}

// A claim older than this belongs to an instance that died mid-way; its mail may be retried.
const staleClaimMs = 10 * 60_000;

function sameToken(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function handleReply(deps: HandleReplyDeps, reply: InboundReply): Promise<ReplyResult> {
  const now = deps.clock.now();
  const claim = await deps.processed.claim(reply.messageId, now, new Date(now.getTime() - staleClaimMs));
  if (!claim.claimed) {
    if (claim.outcome === 'processing') return { kind: 'busy' };
    return { kind: 'duplicate', rejected: claim.outcome === 'rejected' };
  }

  let result: Decided;
  try {
    result = await decide(deps, reply);
  } catch (error) {
    // Nothing was recorded as done: let the next look at the mailbox try again.
    await deps.processed.release(reply.messageId).catch(() => undefined);
    throw error;
  }
  await deps.processed.finish(reply.messageId, record(result));
  return result;
}

function record(result: Decided) {
  switch (result.kind) {
    case 'acted': {
      const { outcome } = result;
      const stored: ProcessedOutcome = outcome === 'unchanged' || outcome === 'already_decided' ? outcome : 'applied';
      return { outcome: stored, commentId: result.commentId, detail: outcome };
    }
    case 'help':
      return { outcome: 'help' as const, commentId: result.commentId, detail: null };
    default:
      return { outcome: result.kind, commentId: result.commentId, detail: result.reason };
  }
}

type Decided = Exclude<ReplyResult, { kind: 'busy' } | { kind: 'duplicate' }>;

async function decide(deps: HandleReplyDeps, reply: InboundReply): Promise<Decided> {
  const { commentId } = reply.reference;
  const log = { messageId: reply.messageId, commentId, from: reply.from };
  const reject = (reason: string): Decided => {
    // Never log the token: only the id and why.
    deps.logger.warn({ ...log, reason }, 'mail reply rejected');
    return { kind: 'rejected', reason, commentId };
  };

  if (reply.automatic) {
    deps.logger.info({ ...log, reason: reply.automatic }, 'automatic mail ignored');
    return { kind: 'ignored', reason: `automatic: ${reply.automatic}`, commentId };
  }
  const comment = await deps.store.findComment(commentId);
  if (!comment) {
    // Deleted since the notification: nothing to act on. A moderator's mail is filed as handled.
    const fromModerator = reply.from !== null && deps.sites.all().some((s) => s.moderators.includes(reply.from ?? ''));
    if (!fromModerator) return reject('no such comment');
    deps.logger.warn(log, 'mail reply about a comment that no longer exists');
    return { kind: 'ignored', reason: 'comment_not_found', commentId };
  }
  if (!sameToken(comment.token, reply.reference.token)) return reject('token does not match the comment');
  const site = deps.sites.find(comment.siteId);
  if (!site) return reject(`site "${comment.siteId}" is not configured`);
  if (reply.from === null) return reject('From must hold exactly one address');
  if (!site.moderators.includes(reply.from)) return reject('sender is not a moderator of the site');
  if (site.requireDkim) {
    const dkim = await reply.verifyDkim();
    if (!dkim.pass) return reject(`DKIM required: ${dkim.reason}`);
  }
  return act(deps, reply, site, comment, reply.from);
}

async function act(deps: HandleReplyDeps, reply: InboundReply, site: Site, comment: Comment, moderator: string): Promise<Decided> {
  const command: ReplyCommand = reply.command;
  const by = `mail:${moderator}`;
  const thread = { inReplyTo: reply.messageId, references: [...reply.references, reply.messageId] };
  const base = { siteId: site.id, commentId: comment.id, to: [moderator], locale: site.locale, ...thread };

  if (command.kind === 'unknown') {
    deps.logger.info({ messageId: reply.messageId, commentId: comment.id, from: moderator }, 'mail reply without a command: help sent');
    await deps.outbox.enqueue({ ...base, kind: 'help', template: 'help', data: { commentId: comment.id, received: command.received } });
    return { kind: 'help', commentId: comment.id };
  }

  let outcome: ConfirmationOutcome;
  let current: Comment;
  let answer: string | undefined;
  try {
    if (command.kind === 'reply') {
      const done = await answerComment(deps, { commentId: comment.id, text: command.text, by, known: comment });
      outcome = done.kind;
      current = done.comment;
      // Shown as "your answer, published" in the confirmation: only when it was.
      if (done.kind === 'answered') answer = command.text;
    } else {
      const done = await moderateComment(deps, { commentId: comment.id, decision: command.kind, by, known: comment });
      current = done.comment;
      outcome = done.kind === 'applied' ? ({ approve: 'approved', drop: 'dropped', spam: 'spam' } as const)[command.kind] : done.kind;
    }
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'comment_not_found')) throw error;
    deps.logger.warn({ messageId: reply.messageId, commentId: comment.id }, 'mail reply about a comment deleted meanwhile');
    return { kind: 'ignored', reason: 'comment_not_found', commentId: comment.id };
  }
  deps.logger.info({ messageId: reply.messageId, commentId: comment.id, command: command.kind, outcome }, 'mail reply applied');

  if (deps.confirmations) {
    const data: Record<string, unknown> = {
      commentId: comment.id,
      author: current.author,
      pageUrl: current.pageUrl,
      outcome,
      status: current.status,
    };
    if (answer !== undefined) data.answer = answer;
    const mail: OutgoingMail = { ...base, kind: 'confirmation', template: 'confirmation', data };
    await deps.outbox.enqueue(mail);
  }
  return { kind: 'acted', commentId: comment.id, outcome };
}
