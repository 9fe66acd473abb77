// JobLease rows: which instance runs a scheduled job right now, and how the last run went. Every
// change is one conditional statement, so two instances racing for a lease cannot both win.
import type { JobLeaseStore, RunRecord } from '../jobs/scheduler.js';
import type { Db } from './client.js';

const free = new Date(0);

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

export class PrismaJobLeases implements JobLeaseStore {
  constructor(private readonly db: Db) {}

  async acquire(name: string, holder: string, at: { now: Date; until: Date; slot: Date }): Promise<boolean> {
    // Free (or expired) and not yet started for this slot by anyone: the second condition keeps
    // an instance that arrives after a quick run has finished from running the same tick again.
    const { count } = await this.db.jobLease.updateMany({
      where: { name, leasedUntil: { lte: at.now }, OR: [{ lastStartedAt: null }, { lastStartedAt: { lt: at.slot } }] },
      data: { holder, leasedUntil: at.until, lastStartedAt: at.now },
    });
    if (count === 1) return true;
    if (await this.db.jobLease.findUnique({ where: { name }, select: { name: true } })) return false;
    try {
      await this.db.jobLease.create({ data: { name, holder, leasedUntil: at.until, lastStartedAt: at.now } });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false; // another instance created it first
      throw error;
    }
  }

  async renew(name: string, holder: string, until: Date): Promise<boolean> {
    const { count } = await this.db.jobLease.updateMany({ where: { name, holder }, data: { leasedUntil: until } });
    return count === 1;
  }

  async release(name: string, holder: string, run: RunRecord): Promise<void> {
    await this.db.jobLease.updateMany({
      where: { name, holder },
      data: { leasedUntil: free, lastFinishedAt: run.finishedAt, lastDurationMs: run.durationMs, lastError: run.error },
    });
  }

  async get(name: string) {
    return this.db.jobLease.findUnique({ where: { name } });
  }
}
