// What the rebuild use cases need from the outside: a durable, leased queue with one entry per
// site (src/db/rebuild-queue.ts) and something that runs a site's build (src/rebuild/: a build
// hook or a local command). The domain decides when; the edges decide how.
import type { DebouncePolicy, RebuildSchedule, RetryPolicy, RunOutcome, RunResult } from './policy.js';

/** Why a build was requested; logged and stored, and sent to build hooks. */
export type RebuildReason = 'approved' | 'unpublished' | 'answered' | 'edited' | 'manual' | 'import';

/** A request to record, with the site's debounce: written with the change that causes it. */
export interface RebuildRequest {
  siteId: string;
  reason: RebuildReason;
  debounce: DebouncePolicy;
}

/** A build this instance holds the lease of and must run, then report with `complete`. */
export interface RebuildClaim {
  siteId: string;
  reason: string | null;
  /** Failed tries before this one. */
  attempts: number;
  /** True when the previous holder's lease ran out mid-build (a crash): this run takes over. */
  takenOver: boolean;
  /** The lease as written by the claim; `complete` only applies while it still holds. */
  holder: string;
  leasedUntil: Date;
}

export interface RebuildStatus extends RebuildSchedule {
  siteId: string;
  reason: string | null;
  requests: number;
  running: boolean;
  lastStartedAt: Date | null;
  lastFinishedAt: Date | null;
  lastDurationMs: number | null;
  lastOutcome: string | null;
  lastError: string | null;
}

export interface RebuildQueue {
  /**
   * Records that a site's build must run again, debounced (or due at once when `manual`).
   * Callable on its own, outside any comment change: the CLI, or an import that suppressed the
   * per-comment requests and asks for one build at the end.
   */
  request(request: RebuildRequest, now: Date, options?: { manual?: boolean }): Promise<void>;
  /**
   * Takes, for each of `sites` (those this instance can build, with the lease a build may use),
   * the build that is due or whose holder's lease ran out. One instance wins a given build.
   */
  claimDue(now: Date, sites: ReadonlyArray<{ siteId: string; leaseMs: number }>): Promise<RebuildClaim[]>;
  /** Records how a claimed build ended; null when the lease was lost meanwhile (another instance has it). */
  complete(claim: RebuildClaim, result: RunResult, now: Date, retry: RetryPolicy): Promise<RunOutcome | null>;
  /** The earliest moment one of `siteIds` needs a look: a due build or a lease running out. */
  nextWakeAt(siteIds: readonly string[]): Promise<Date | null>;
  status(siteIds?: readonly string[]): Promise<RebuildStatus[]>;
}

/** Runs one build of a site (POST to its hook, or its command) and resolves when it is done. */
export interface RebuildRunner {
  run(siteId: string, context: { reason: string | null; signal: AbortSignal }): Promise<void>;
}
