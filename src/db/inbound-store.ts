// What the mail watcher keeps in the database: ProcessedMail rows (the reply's Message-ID is the
// primary key, so inserting it is an atomic claim across instances) and the owner's answers.
import type { Claim, OwnerAnswers, ProcessedMailLog, ProcessedOutcome } from '../domain/moderation/ports.js';
import type { Db } from './client.js';

const processing = 'processing';

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

export class PrismaInboundStore implements ProcessedMailLog, OwnerAnswers {
  constructor(private readonly db: Db) {}

  async claim(messageId: string, at: Date, staleBefore: Date): Promise<Claim> {
    try {
      await this.db.processedMail.create({ data: { messageId, outcome: processing, processedAt: at } });
      return { claimed: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
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
    await this.db.processedMail.update({
      where: { messageId },
      data: { outcome: record.outcome, commentId: record.commentId, detail: record.detail?.slice(0, 500) ?? null },
    });
  }

  async release(messageId: string): Promise<void> {
    await this.db.processedMail.deleteMany({ where: { messageId, outcome: processing } });
  }

  async ownerAnswerBodies(parentId: number): Promise<string[]> {
    const rows = await this.db.comment.findMany({ where: { parentId, byOwner: true }, select: { body: true } });
    return rows.map((r) => r.body);
  }
}
