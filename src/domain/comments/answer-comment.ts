// The owner answers a comment (by replying "reply <text>" to its notification): the comment is
// approved if it was pending, and the text is published beneath it as the owner's answer,
// rendered once. The same answer sent twice is published once; a comment already dropped or
// marked as spam is reported, never answered.
import { DomainError } from '../errors.js';
import type { OwnerAnswers } from '../moderation/ports.js';
import type { SiteDirectory } from '../sites.js';
import { newModerationToken } from '../tokens.js';
import type { Comment } from '../types.js';
import { moderateComment, type ModerateDeps } from './moderate-comment.js';

export interface AnswerDeps extends ModerateDeps {
  sites: SiteDirectory;
  answers: OwnerAnswers;
}

export type AnswerOutcome =
  | { kind: 'answered'; comment: Comment; answer: Comment }
  /** The same text was already published as an answer to this comment. */
  | { kind: 'unchanged'; comment: Comment }
  | { kind: 'already_decided'; comment: Comment };

const sameText = (a: string, b: string) => a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim();

export async function answerComment(
  deps: AnswerDeps,
  input: { commentId: number; text: string; by: string; known?: Comment },
): Promise<AnswerOutcome> {
  let comment = input.known?.id === input.commentId ? input.known : await deps.store.findComment(input.commentId);
  if (!comment) throw new DomainError('comment_not_found', `no comment ${input.commentId}`, { params: { id: input.commentId } });
  if (comment.status === 'pending') {
    const approved = await moderateComment(deps, { commentId: comment.id, decision: 'approve', by: input.by, known: comment });
    if (approved.kind === 'already_decided') return { kind: 'already_decided', comment: approved.comment };
    comment = approved.comment;
  }
  if (comment.status !== 'approved') return { kind: 'already_decided', comment };

  const previous = await deps.answers.ownerAnswerBodies(comment.id);
  if (previous.some((body) => sameText(body, input.text))) return { kind: 'unchanged', comment };

  const site = deps.sites.get(comment.siteId);
  const at = deps.clock.now();
  // The answer is published at once: the static site follows, with the request in the same transaction.
  const rebuild = deps.rebuilds?.forChange(comment.siteId, 'answered') ?? null;
  const answer = await deps.store.createComment({
    siteId: comment.siteId,
    pageUrl: comment.pageUrl,
    parentId: comment.id,
    author: site.ownerName,
    email: null,
    website: null,
    body: input.text,
    clientIp: null,
    token: newModerationToken(),
    byOwner: true,
    approved: { html: deps.renderer.render(input.text), at },
    rebuild,
  });
  if (rebuild) deps.rebuilds?.recorded();
  deps.logger.info({ site: site.id, commentId: comment.id, answerId: answer.id, by: input.by }, 'owner answer published');
  return { kind: 'answered', comment, answer };
}
