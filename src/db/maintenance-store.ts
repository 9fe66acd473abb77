// MaintenanceStore on Prisma: the deletions and updates of the retention, reminder and digest
// jobs. Work is done in batches so that a first run on a large database stays within the
// statement-parameter limits of both SQLite and PostgreSQL.
import type { MaintenanceStore, PendingSummary } from '../domain/maintenance/ports.js';
import type { Db } from './client.js';

const batchSize = 500;

export class PrismaMaintenanceStore implements MaintenanceStore {
  constructor(private readonly db: Db) {}

  async deleteDecided(status: 'dropped' | 'spam', decidedBefore: Date): Promise<number> {
    let deleted = 0;
    for (;;) {
      const rows = await this.db.comment.findMany({
        where: { status, decidedAt: { lt: decidedBefore } },
        select: { id: true },
        orderBy: { id: 'asc' },
        take: batchSize,
      });
      if (rows.length === 0) return deleted;
      const count = await this.deleteBatch(rows.map((r) => r.id));
      if (count === 0) return deleted; // gone meanwhile; never loop on rows that cannot be deleted
      deleted += count;
    }
  }

  /**
   * Deleting a comment sets its replies' parent to null (the schema's SetNull), which changes
   * what the read API shows of those replies: their pages' versions are bumped in the same
   * transaction so that caches keyed on them are rebuilt.
   */
  private async deleteBatch(ids: number[]): Promise<number> {
    return this.db.$transaction(async (tx) => {
      const replies = await tx.comment.findMany({ where: { parentId: { in: ids } }, select: { pageId: true }, distinct: ['pageId'] });
      const { count } = await tx.comment.deleteMany({ where: { id: { in: ids } } });
      const pageIds = replies.map((r) => r.pageId);
      if (pageIds.length) {
        await tx.page.updateMany({ where: { id: { in: pageIds } }, data: { version: { increment: 1 } } });
        const sites = await tx.page.findMany({ where: { id: { in: pageIds } }, select: { siteId: true }, distinct: ['siteId'] });
        await tx.site.updateMany({ where: { id: { in: sites.map((s) => s.siteId) } }, data: { version: { increment: 1 } } });
      }
      return count;
    });
  }

  async eraseClientIps(createdBefore: Date): Promise<number> {
    const { count } = await this.db.comment.updateMany({
      where: { createdAt: { lt: createdBefore }, clientIp: { not: null } },
      data: { clientIp: null },
    });
    return count;
  }

  async deleteRateLimitWindows(before: Date): Promise<number> {
    const { count } = await this.db.rateLimit.deleteMany({ where: { windowStart: { lt: BigInt(before.getTime()) } } });
    return count;
  }

  async deleteMailRecords(before: Date): Promise<{ outbox: number; processed: number }> {
    const outbox = await this.db.outbox.deleteMany({ where: { status: { in: ['sent', 'failed'] }, createdAt: { lt: before } } });
    // A record still 'processing' is a live claim (or a crashed one the watcher takes over): kept.
    const processed = await this.db.processedMail.deleteMany({ where: { processedAt: { lt: before }, outcome: { not: 'processing' } } });
    return { outbox: outbox.count, processed: processed.count };
  }

  async pendingOf(siteId: string, filter: { createdBefore?: Date; notReminded?: boolean; limit: number }): Promise<PendingSummary[]> {
    const rows = await this.db.comment.findMany({
      where: {
        status: 'pending',
        page: { siteId },
        ...(filter.createdBefore ? { createdAt: { lt: filter.createdBefore } } : {}),
        ...(filter.notReminded ? { remindedAt: null } : {}),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: filter.limit,
      select: { id: true, author: true, body: true, createdAt: true, page: { select: { url: true, siteId: true } } },
    });
    return rows.map((r) => ({
      id: r.id,
      siteId: r.page.siteId,
      pageUrl: r.page.url,
      author: r.author,
      body: r.body,
      createdAt: r.createdAt,
    }));
  }

  async countPending(siteId: string): Promise<number> {
    return this.db.comment.count({ where: { status: 'pending', page: { siteId } } });
  }

  async markReminded(ids: number[], at: Date): Promise<number[]> {
    if (ids.length === 0) return [];
    await this.db.comment.updateMany({ where: { id: { in: ids }, remindedAt: null }, data: { remindedAt: at } });
    // Those stamped with exactly our time are ours; another run's stamp differs.
    const rows = await this.db.comment.findMany({ where: { id: { in: ids }, remindedAt: at }, select: { id: true } });
    return rows.map((r) => r.id);
  }

  async clearReminded(ids: number[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db.comment.updateMany({ where: { id: { in: ids }, remindedAt: at }, data: { remindedAt: null } });
  }
}
