// The rebuild queue on Prisma: one RebuildRequest row per site. The rules (debounce, backoff)
// come from src/domain/rebuilds/policy.ts; this file only reads the row, applies them and writes
// the result with a conditional update that matches the row as it was read, so that concurrent
// writers (a request during a build's completion, two instances claiming) never overwrite each
// other: the loser reads again. Small on purpose: the Kysely port replaces this file alone.
import { randomUUID } from 'node:crypto';
import {
  afterManualRequest,
  afterRequest,
  afterRun,
  idleSchedule,
  type RebuildSchedule,
  type RetryPolicy,
  type RunOutcome,
  type RunResult,
} from '../domain/rebuilds/policy.js';
import type { RebuildClaim, RebuildQueue, RebuildRequest, RebuildStatus } from '../domain/rebuilds/ports.js';
import type { Db } from './client.js';

/** The part of a client (or of a transaction's client) that this file uses. */
type RebuildDb = Pick<Db, 'rebuildRequest'>;

type Row = Awaited<ReturnType<Db['rebuildRequest']['findFirstOrThrow']>>;

const scheduleOf = (row: Row): RebuildSchedule => ({ dueAt: row.dueAt, pendingSince: row.pendingSince, attempts: row.attempts });

/** Conflicting writers retry at most this often; more means something else is wrong. */
const maxRounds = 5;

/**
 * Records a request through `db`, which is the comment store's transaction when the request
 * comes with a change (so both are committed together) or the client when it comes alone.
 */
export async function recordRebuildRequest(db: RebuildDb, request: RebuildRequest, now: Date, manual = false): Promise<void> {
  for (let round = 0; round < maxRounds; round++) {
    const row = await db.rebuildRequest.findUnique({ where: { siteId: request.siteId } });
    const current = row ? scheduleOf(row) : idleSchedule;
    const next = manual ? afterManualRequest(current, now) : afterRequest(current, now, request.debounce);
    if (!row) {
      // Rows are created at start (ensureSites); this only happens if one was deleted since.
      await db.rebuildRequest.create({ data: { siteId: request.siteId, ...next, reason: request.reason, requests: 1 } });
      return;
    }
    const { count } = await db.rebuildRequest.updateMany({
      where: { siteId: request.siteId, dueAt: row.dueAt, attempts: row.attempts },
      data: { ...next, reason: request.reason, requests: { increment: 1 } },
    });
    if (count === 1) return;
  }
  throw new Error(`rebuild request for site ${request.siteId} kept conflicting with other writers`);
}

function toStatus(row: Row, now: Date): RebuildStatus {
  return {
    siteId: row.siteId,
    dueAt: row.dueAt,
    pendingSince: row.pendingSince,
    attempts: row.attempts,
    reason: row.reason,
    requests: row.requests,
    running: row.leasedUntil !== null && row.leasedUntil.getTime() >= now.getTime(),
    lastStartedAt: row.lastStartedAt,
    lastFinishedAt: row.lastFinishedAt,
    lastDurationMs: row.lastDurationMs,
    lastOutcome: row.lastOutcome,
    lastError: row.lastError,
  };
}

export class PrismaRebuildQueue implements RebuildQueue {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly db: Db,
    /** This instance's name in lease rows. */
    readonly holder: string = `${process.pid}-${randomUUID()}`,
  ) {}

  /** Creates the rows of sites that rebuild, so that requests inside a transaction only update. */
  async ensureSites(siteIds: readonly string[]): Promise<void> {
    for (const siteId of siteIds) {
      try {
        await this.db.rebuildRequest.upsert({ where: { siteId }, create: { siteId }, update: {} });
      } catch (error) {
        // Two instances starting together: the other one created it.
        if ((error as { code?: unknown } | null)?.code !== 'P2002') throw error;
      }
    }
  }

  /** `listener` runs after each request stored by this process (the runner wakes up on it). */
  onRequested(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notifyRequested(): void {
    for (const listener of this.listeners) listener();
  }

  async request(request: RebuildRequest, now: Date, options: { manual?: boolean } = {}): Promise<void> {
    await recordRebuildRequest(this.db, request, now, options.manual ?? false);
  }

  async claimDue(now: Date, sites: ReadonlyArray<{ siteId: string; leaseMs: number }>): Promise<RebuildClaim[]> {
    const leaseOf = new Map(sites.map((s) => [s.siteId, s.leaseMs]));
    const claims: RebuildClaim[] = [];
    // A request landing between the read and the claim makes the claim miss: read again.
    for (let round = 0; round < 3 && leaseOf.size > 0; round++) {
      const candidates = await this.db.rebuildRequest.findMany({
        where: {
          siteId: { in: [...leaseOf.keys()] },
          // Due and not running, or running under a lease that ran out (its instance died).
          OR: [{ dueAt: { lte: now }, leasedUntil: null }, { leasedUntil: { lt: now } }],
        },
      });
      if (candidates.length === 0) break;
      for (const c of candidates) {
        const leasedUntil = new Date(now.getTime() + (leaseOf.get(c.siteId) ?? 0));
        const { count } = await this.db.rebuildRequest.updateMany({
          where: { siteId: c.siteId, dueAt: c.dueAt, leasedUntil: c.leasedUntil, holder: c.holder },
          // dueAt is cleared: a request during the build sets it again, which means "build once more after".
          data: { holder: this.holder, leasedUntil, dueAt: null, pendingSince: null, lastStartedAt: now },
        });
        if (count === 1) {
          leaseOf.delete(c.siteId);
          claims.push({
            siteId: c.siteId,
            reason: c.reason,
            attempts: c.attempts,
            takenOver: c.leasedUntil !== null,
            holder: this.holder,
            leasedUntil,
          });
        }
      }
    }
    return claims;
  }

  async complete(claim: RebuildClaim, result: RunResult, now: Date, retry: RetryPolicy): Promise<RunOutcome | null> {
    for (let round = 0; round < maxRounds; round++) {
      const row = await this.db.rebuildRequest.findUnique({ where: { siteId: claim.siteId } });
      if (!row || row.holder !== claim.holder || row.leasedUntil?.getTime() !== claim.leasedUntil.getTime()) return null;
      const { schedule, outcome } = afterRun(scheduleOf(row), claim.attempts, result, now, retry);
      const { count } = await this.db.rebuildRequest.updateMany({
        where: { siteId: claim.siteId, holder: claim.holder, leasedUntil: claim.leasedUntil, dueAt: row.dueAt },
        data: {
          ...schedule,
          holder: null,
          leasedUntil: null,
          lastFinishedAt: now,
          lastDurationMs: row.lastStartedAt ? now.getTime() - row.lastStartedAt.getTime() : null,
          lastOutcome: outcome,
          lastError: result.kind === 'failed' ? result.error.slice(0, 2000) : outcome === 'succeeded' ? null : row.lastError,
        },
      });
      if (count === 1) return outcome;
    }
    throw new Error(`rebuild outcome for site ${claim.siteId} kept conflicting with other writers`);
  }

  async nextWakeAt(siteIds: readonly string[]): Promise<Date | null> {
    const ids = { in: [...siteIds] };
    const [due, lease] = await Promise.all([
      this.db.rebuildRequest.findFirst({
        where: { siteId: ids, dueAt: { not: null }, leasedUntil: null },
        orderBy: { dueAt: 'asc' },
        select: { dueAt: true },
      }),
      this.db.rebuildRequest.findFirst({
        where: { siteId: ids, leasedUntil: { not: null } },
        orderBy: { leasedUntil: 'asc' },
        select: { leasedUntil: true },
      }),
    ]);
    const times = [due?.dueAt, lease?.leasedUntil].filter((d): d is Date => d instanceof Date);
    return times.length ? new Date(Math.min(...times.map((d) => d.getTime()))) : null;
  }

  async status(siteIds?: readonly string[]): Promise<RebuildStatus[]> {
    const rows = await this.db.rebuildRequest.findMany({
      where: siteIds ? { siteId: { in: [...siteIds] } } : {},
      orderBy: { siteId: 'asc' },
    });
    const now = new Date();
    return rows.map((r) => toStatus(r, now));
  }
}
