// JobLease rows: which instance runs a scheduled job right now, and how the last run went. Every
// change is one conditional statement, so two instances racing for a lease cannot both win.
import type { JobLeaseStore, RunRecord } from '../jobs/scheduler.js';
import type { Db } from './client.js';
import { isUniqueViolation } from './errors.js';

const free = new Date(0);

export class SqlJobLeases implements JobLeaseStore {
  constructor(private readonly db: Db) {}

  async acquire(name: string, holder: string, at: { now: Date; until: Date; slot: Date }): Promise<boolean> {
    // Free (or expired) and not yet started for this slot by anyone: the second condition keeps
    // an instance that arrives after a quick run has finished from running the same tick again.
    const { numUpdatedRows } = await this.db
      .updateTable('JobLease')
      .set({ holder, leasedUntil: at.until, lastStartedAt: at.now })
      .where('name', '=', name)
      .where('leasedUntil', '<=', at.now)
      .where((eb) => eb.or([eb('lastStartedAt', 'is', null), eb('lastStartedAt', '<', at.slot)]))
      .executeTakeFirst();
    if (numUpdatedRows === 1n) return true;
    if (await this.db.selectFrom('JobLease').select('name').where('name', '=', name).executeTakeFirst()) return false;
    try {
      await this.db.insertInto('JobLease').values({ name, holder, leasedUntil: at.until, lastStartedAt: at.now }).execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false; // another instance created it first
      throw error;
    }
  }

  async renew(name: string, holder: string, until: Date): Promise<boolean> {
    const { numUpdatedRows } = await this.db
      .updateTable('JobLease')
      .set({ leasedUntil: until })
      .where('name', '=', name)
      .where('holder', '=', holder)
      .executeTakeFirst();
    return numUpdatedRows === 1n;
  }

  async release(name: string, holder: string, run: RunRecord): Promise<void> {
    await this.db
      .updateTable('JobLease')
      .set({ leasedUntil: free, lastFinishedAt: run.finishedAt, lastDurationMs: run.durationMs, lastError: run.error })
      .where('name', '=', name)
      .where('holder', '=', holder)
      .execute();
  }

  async get(name: string) {
    return (await this.db.selectFrom('JobLease').selectAll().where('name', '=', name).executeTakeFirst()) ?? null;
  }
}
