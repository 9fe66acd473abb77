// What handling an emailed reply needs beyond the comment store: a durable record of the mail
// already handled (so a restart, a second instance or the same mail delivered twice never acts
// twice) and a look at the owner's answers (so a repeated "reply" publishes once).

/** Final outcomes, as stored in ProcessedMail.outcome. */
export type ProcessedOutcome = 'applied' | 'unchanged' | 'already_decided' | 'rejected' | 'ignored' | 'help';

export type Claim = { claimed: true } | { claimed: false; outcome: ProcessedOutcome | 'processing' };

export interface ProcessedMailLog {
  /**
   * Records `messageId` as being handled by the caller, atomically: at most one caller gets
   * `claimed: true`. A claim left unfinished since before `staleBefore` (its holder crashed) may
   * be taken over.
   */
  claim(messageId: string, at: Date, staleBefore: Date): Promise<Claim>;
  finish(messageId: string, record: { outcome: ProcessedOutcome; commentId: number | null; detail: string | null }): Promise<void>;
  /** Gives up an unfinished claim (handling failed), so the next look at the mailbox retries. */
  release(messageId: string): Promise<void>;
}

export interface OwnerAnswers {
  /** Bodies of the owner's answers to a comment (any status). */
  ownerAnswerBodies(parentId: number): Promise<string[]>;
}
