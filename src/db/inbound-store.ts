// What the mail watcher keeps in the database: ProcessedMail rows (the reply's Message-ID is the
// primary key, so inserting it is an atomic claim across instances) and the owner's answers.
// The claim and finish writes run for every reply, so they are plain SQL (valid on SQLite and
// PostgreSQL): a queued backlog of replies spends most of its time in per-query overhead.
import type { Claim, OwnerAnswers, ProcessedMailLog, ProcessedOutcome } from '../domain/moderation/ports.js';
import type { Db } from './client.js';

const processing = 'processing';

export class PrismaInboundStore implements ProcessedMailLog, OwnerAnswers {
  constructor(private readonly db: Db) {}

  async claim(messageId: string, at: Date, staleBefore: Date): Promise<Claim> {
    const inserted = await this.db.$executeRaw`
      INSERT INTO "ProcessedMail" ("messageId", "outcome", "processedAt") VALUES (${messageId}, ${processing}, ${at})
      ON CONFLICT DO NOTHING`;
    if (inserted === 1) return { claimed: true };
    const row = await this.db.processedMail.findUnique({ where: { messageId }, select: { outcome: true } });
    if (!row) return this.claim(messageId, at, staleBefore); // removed meanwhile (retention): try again
    if (row.outcome === processing) {
      // Take over a claim whose holder died; the conditional update lets only one taker win.
      const { count } = await this.db.processedMail.updateMany({
        where: { messageId, outcome: processing, processedAt: { lt: staleBefore } },
        data: { processedAt: at },
      });
      if (count === 1) return { claimed: true };
    }
    return { claimed: false, outcome: row.outcome as ProcessedOutcome | typeof processing };
  }

  async finish(messageId: string, record: { outcome: ProcessedOutcome; commentId: number | null; detail: string | null }): Promise<void> {
    const detail = record.detail?.slice(0, 500) ?? null;
    await this.db.$executeRaw`
      UPDATE "ProcessedMail" SET "outcome" = ${record.outcome}, "commentId" = ${record.commentId}, "detail" = ${detail}
      WHERE "messageId" = ${messageId}`;
  }

  async release(messageId: string): Promise<void> {
    await this.db.processedMail.deleteMany({ where: { messageId, outcome: processing } });
  }

  async ownerAnswerBodies(parentId: number): Promise<string[]> {
    const rows = await this.db.comment.findMany({ where: { parentId, byOwner: true }, select: { body: true } });
    return rows.map((r) => r.body);
  }
}
