// What the mail watcher keeps in the database: ProcessedMail rows (the reply's Message-ID is the
// primary key, so inserting it is an atomic claim across instances) and the owner's answers.
import type { Claim, OwnerAnswers, ProcessedMailLog, ProcessedOutcome } from '../domain/moderation/ports.js';
import type { Db } from './client.js';

const processing = 'processing';

export class SqlInboundStore implements ProcessedMailLog, OwnerAnswers {
  constructor(private readonly db: Db) {}

  async claim(messageId: string, at: Date, staleBefore: Date): Promise<Claim> {
    const inserted = await this.db
      .insertInto('ProcessedMail')
      .values({ messageId, outcome: processing, processedAt: at })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (inserted.numInsertedOrUpdatedRows === 1n) return { claimed: true };
    const row = await this.db.selectFrom('ProcessedMail').select('outcome').where('messageId', '=', messageId).executeTakeFirst();
    if (!row) return this.claim(messageId, at, staleBefore); // removed meanwhile (retention): try again
    if (row.outcome === processing) {
      // Take over a claim whose holder died; the conditional update lets only one taker win.
      const { numUpdatedRows } = await this.db
        .updateTable('ProcessedMail')
        .set({ processedAt: at })
        .where('messageId', '=', messageId)
        .where('outcome', '=', processing)
        .where('processedAt', '<', staleBefore)
        .executeTakeFirst();
      if (numUpdatedRows === 1n) return { claimed: true };
    }
    return { claimed: false, outcome: row.outcome as ProcessedOutcome | typeof processing };
  }

  async finish(messageId: string, record: { outcome: ProcessedOutcome; commentId: number | null; detail: string | null }): Promise<void> {
    await this.db
      .updateTable('ProcessedMail')
      .set({ outcome: record.outcome, commentId: record.commentId, detail: record.detail?.slice(0, 500) ?? null })
      .where('messageId', '=', messageId)
      .execute();
  }

  async release(messageId: string): Promise<void> {
    await this.db.deleteFrom('ProcessedMail').where('messageId', '=', messageId).where('outcome', '=', processing).execute();
  }

  async ownerAnswerBodies(parentId: number): Promise<string[]> {
    const rows = await this.db.selectFrom('Comment').select('body').where('parentId', '=', parentId).where('byOwner', '=', true).execute();
    return rows.map((r) => r.body);
  }
}
