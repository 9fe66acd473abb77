// The rebuild queue: one RebuildRequest row per site. The rules (debounce, backoff)
// come from src/domain/rebuilds/policy.ts; this file only reads the row, applies them and writes
// the result with a conditional update that matches the row as it was read, so that concurrent
// writers (a request during a build's completion, two instances claiming) never overwrite each
// other: the loser reads again.
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
import { sql, type ExpressionBuilder, type Selectable } from 'kysely';
import type { Db } from './client.js';
import { isUniqueViolation } from './errors.js';
import type { DB, RebuildRequest as RebuildTable } from './tables.js';

type Row = Selectable<RebuildTable>;
type Column = 'dueAt' | 'attempts' | 'holder' | 'leasedUntil';

const scheduleOf = (row: Row): RebuildSchedule => ({ dueAt: row.dueAt, pendingSince: row.pendingSince, attempts: row.attempts });

/** `column` holds `value` as read: SQL's `=` never matches NULL, so a NULL read needs `IS NULL`. */
function asRead(eb: ExpressionBuilder<DB, 'RebuildRequest'>, column: Column, value: Date | string | number | null) {
  return value === null ? eb(column, 'is', null) : eb(column, '=', value);
}

/** Conflicting writers retry at most this often; more means something else is wrong. */
const maxRounds = 5;

function readRow(db: Db, siteId: string): Promise<Row | undefined> {
  return db.selectFrom('RebuildRequest').selectAll().where('siteId', '=', siteId).executeTakeFirst();
}

/**
 * Records a request through `db`, which is the comment store's transaction when the request
 * comes with a change (so both are committed together) or the client when it comes alone.
 */
export async function recordRebuildRequest(db: Db, request: RebuildRequest, now: Date, manual = false): Promise<void> {
  for (let round = 0; round < maxRounds; round++) {
    const row = await readRow(db, request.siteId);
    const current = row ? scheduleOf(row) : idleSchedule;
    const next = manual ? afterManualRequest(current, now) : afterRequest(current, now, request.debounce);
    if (!row) {
      // Rows are created at start (ensureSites); this only happens if one was deleted since.
      await db
        .insertInto('RebuildRequest')
        .values({ siteId: request.siteId, ...next, reason: request.reason, requests: 1 })
        .execute();
      return;
    }
    const { numUpdatedRows } = await db
      .updateTable('RebuildRequest')
      .set({ ...next, reason: request.reason, requests: sql<number>`"requests" + 1` })
      .where('siteId', '=', request.siteId)
      .where((eb) => eb.and([asRead(eb, 'dueAt', row.dueAt), asRead(eb, 'attempts', row.attempts)]))
      .executeTakeFirst();
    if (numUpdatedRows === 1n) return;
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

export class SqlRebuildQueue implements RebuildQueue {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly db: Db,
    /** This instance's name in lease rows. */
    readonly holder: string = `${process.pid}-${randomUUID()}`,
  ) {}

  /** Creates the rows of sites that rebuild, so that requests inside a transaction only update. */
  async ensureSites(siteIds: readonly string[]): Promise<void> {
    for (const siteId of siteIds) {
      if (await readRow(this.db, siteId)) continue;
      try {
        await this.db.insertInto('RebuildRequest').values({ siteId }).execute();
      } catch (error) {
        // Two instances starting together: the other one created it.
        if (!isUniqueViolation(error)) throw error;
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
      const candidates = await this.db
        .selectFrom('RebuildRequest')
        .selectAll()
        .where('siteId', 'in', [...leaseOf.keys()])
        // Due and not running, or running under a lease that ran out (its instance died).
        .where((eb) => eb.or([eb.and([eb('dueAt', '<=', now), eb('leasedUntil', 'is', null)]), eb('leasedUntil', '<', now)]))
        .execute();
      if (candidates.length === 0) break;
      for (const c of candidates) {
        const leasedUntil = new Date(now.getTime() + (leaseOf.get(c.siteId) ?? 0));
        const { numUpdatedRows } = await this.db
          .updateTable('RebuildRequest')
          // dueAt is cleared: a request during the build sets it again, which means "build once more after".
          .set({ holder: this.holder, leasedUntil, dueAt: null, pendingSince: null, lastStartedAt: now })
          .where('siteId', '=', c.siteId)
          .where((eb) => eb.and([asRead(eb, 'dueAt', c.dueAt), asRead(eb, 'leasedUntil', c.leasedUntil), asRead(eb, 'holder', c.holder)]))
          .executeTakeFirst();
        if (numUpdatedRows === 1n) {
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
      const row = await readRow(this.db, claim.siteId);
      if (!row || row.holder !== claim.holder || row.leasedUntil?.getTime() !== claim.leasedUntil.getTime()) return null;
      const { schedule, outcome } = afterRun(scheduleOf(row), claim.attempts, result, now, retry);
      const { numUpdatedRows } = await this.db
        .updateTable('RebuildRequest')
        .set({
          ...schedule,
          holder: null,
          leasedUntil: null,
          lastFinishedAt: now,
          lastDurationMs: row.lastStartedAt ? now.getTime() - row.lastStartedAt.getTime() : null,
          lastOutcome: outcome,
          lastError: result.kind === 'failed' ? result.error.slice(0, 2000) : outcome === 'succeeded' ? null : row.lastError,
        })
        .where('siteId', '=', claim.siteId)
        .where('holder', '=', claim.holder)
        .where('leasedUntil', '=', claim.leasedUntil)
        .where((eb) => asRead(eb, 'dueAt', row.dueAt))
        .executeTakeFirst();
      if (numUpdatedRows === 1n) return outcome;
    }
    throw new Error(`rebuild outcome for site ${claim.siteId} kept conflicting with other writers`);
  }

  async nextWakeAt(siteIds: readonly string[]): Promise<Date | null> {
    if (siteIds.length === 0) return null;
    const ids = [...siteIds];
    const [due, lease] = await Promise.all([
      this.db
        .selectFrom('RebuildRequest')
        .select('dueAt')
        .where('siteId', 'in', ids)
        .where('dueAt', 'is not', null)
        .where('leasedUntil', 'is', null)
        .orderBy('dueAt', 'asc')
        .executeTakeFirst(),
      this.db
        .selectFrom('RebuildRequest')
        .select('leasedUntil')
        .where('siteId', 'in', ids)
        .where('leasedUntil', 'is not', null)
        .orderBy('leasedUntil', 'asc')
        .executeTakeFirst(),
    ]);
    const times = [due?.dueAt, lease?.leasedUntil].filter((d): d is Date => d instanceof Date);
    return times.length ? new Date(Math.min(...times.map((d) => d.getTime()))) : null;
  }

  async status(siteIds?: readonly string[]): Promise<RebuildStatus[]> {
    if (siteIds && siteIds.length === 0) return [];
    let query = this.db.selectFrom('RebuildRequest').selectAll().orderBy('siteId', 'asc');
    if (siteIds) query = query.where('siteId', 'in', [...siteIds]);
    const rows = await query.execute();
    const now = new Date();
    return rows.map((r) => toStatus(r, now));
  }
}
