// MaintenanceStore in SQL (Kysely): the deletions and updates of the retention, reminder and
// digest jobs. Work is done in batches so that a first run on a large database stays within the
// statement-parameter limits of both SQLite and PostgreSQL.
import { sql } from 'kysely';
import type { MaintenanceStore, PendingSummary } from '../domain/maintenance/ports.js';
import type { Db } from './client.js';

const batchSize = 500;

export class SqlMaintenanceStore implements MaintenanceStore {
  constructor(private readonly db: Db) {}

  async deleteDecided(status: 'dropped' | 'spam', decidedBefore: Date): Promise<number> {
    let deleted = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom('Comment')
        .select('id')
        .where('status', '=', status)
        .where('decidedAt', '<', decidedBefore)
        .orderBy('id', 'asc')
        .limit(batchSize)
        .execute();
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
  private deleteBatch(ids: number[]): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      const replies = await tx.selectFrom('Comment').select('pageId').distinct().where('parentId', 'in', ids).execute();
      const { numDeletedRows } = await tx.deleteFrom('Comment').where('id', 'in', ids).executeTakeFirst();
      const pageIds = replies.map((r) => r.pageId);
      if (pageIds.length) {
        await tx
          .updateTable('Page')
          .set({ version: sql<number>`"version" + 1` })
          .where('id', 'in', pageIds)
          .execute();
        const sites = await tx.selectFrom('Page').select('siteId').distinct().where('id', 'in', pageIds).execute();
        await tx
          .updateTable('Site')
          .set({ version: sql<number>`"version" + 1` })
          .where(
            'id',
            'in',
            sites.map((s) => s.siteId),
          )
          .execute();
      }
      return Number(numDeletedRows);
    });
  }

  async eraseClientIps(createdBefore: Date): Promise<number> {
    const { numUpdatedRows } = await this.db
      .updateTable('Comment')
      .set({ clientIp: null, updatedAt: new Date() })
      .where('createdAt', '<', createdBefore)
      .where('clientIp', 'is not', null)
      .executeTakeFirst();
    return Number(numUpdatedRows);
  }

  async deleteRateLimitWindows(before: Date): Promise<number> {
    const { numDeletedRows } = await this.db.deleteFrom('RateLimit').where('windowStart', '<', before.getTime()).executeTakeFirst();
    return Number(numDeletedRows);
  }

  async deleteMailRecords(before: Date): Promise<{ outbox: number; processed: number }> {
    const outbox = await this.db
      .deleteFrom('Outbox')
      .where('status', 'in', ['sent', 'failed'])
      .where('createdAt', '<', before)
      .executeTakeFirst();
    // A record still 'processing' is a live claim (or a crashed one the watcher takes over): kept.
    const processed = await this.db
      .deleteFrom('ProcessedMail')
      .where('processedAt', '<', before)
      .where('outcome', '<>', 'processing')
      .executeTakeFirst();
    return { outbox: Number(outbox.numDeletedRows), processed: Number(processed.numDeletedRows) };
  }

  async pendingOf(siteId: string, filter: { createdBefore?: Date; notReminded?: boolean; limit: number }): Promise<PendingSummary[]> {
    let query = this.db
      .selectFrom('Comment as c')
      .innerJoin('Page as p', 'p.id', 'c.pageId')
      .select(['c.id', 'c.author', 'c.body', 'c.createdAt', 'p.url', 'p.siteId'])
      .where('c.status', '=', 'pending')
      .where('p.siteId', '=', siteId);
    if (filter.createdBefore) query = query.where('c.createdAt', '<', filter.createdBefore);
    if (filter.notReminded) query = query.where('c.remindedAt', 'is', null);
    const rows = await query.orderBy('c.createdAt', 'asc').orderBy('c.id', 'asc').limit(filter.limit).execute();
    return rows.map((r) => ({ id: r.id, siteId: r.siteId, pageUrl: r.url, author: r.author, body: r.body, createdAt: r.createdAt }));
  }

  async countPending(siteId: string): Promise<number> {
    const row = await this.db
      .selectFrom('Comment as c')
      .innerJoin('Page as p', 'p.id', 'c.pageId')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('c.status', '=', 'pending')
      .where('p.siteId', '=', siteId)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async markReminded(ids: number[], at: Date): Promise<number[]> {
    if (ids.length === 0) return [];
    await this.db
      .updateTable('Comment')
      .set({ remindedAt: at, updatedAt: new Date() })
      .where('id', 'in', ids)
      .where('remindedAt', 'is', null)
      .execute();
    // Those stamped with exactly our time are ours; another run's stamp differs.
    const rows = await this.db.selectFrom('Comment').select('id').where('id', 'in', ids).where('remindedAt', '=', at).execute();
    return rows.map((r) => r.id);
  }

  async clearReminded(ids: number[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('Comment')
      .set({ remindedAt: null, updatedAt: new Date() })
      .where('id', 'in', ids)
      .where('remindedAt', '=', at)
      .execute();
  }
}
