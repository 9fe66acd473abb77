// Runs the builds that are due: claims them (one instance per build), runs each through the
// runner, and records the outcome, which schedules the retry or the next build. Every start and
// end is logged with its duration; a failure is a log line and a retry, never an exception for
// whoever changed the comments.
import type { Clock, DomainLogger } from '../ports.js';
import type { RetryPolicy, RunOutcome, RunResult } from './policy.js';
import { retryDelay } from './policy.js';
import type { RebuildClaim, RebuildQueue, RebuildRunner } from './ports.js';

export interface RunRebuildsDeps {
  rebuildQueue: RebuildQueue;
  runner: RebuildRunner;
  clock: Clock;
  logger: DomainLogger & { error(obj: object, msg: string): void };
}

export interface RunRebuildsOptions {
  /** The sites this instance can build, with how long one build may hold its lease. */
  sites: ReadonlyArray<{ siteId: string; leaseMs: number }>;
  retry: RetryPolicy;
  /** Aborts builds in progress (shutdown); they are recorded as interrupted, due again at once. */
  signal?: AbortSignal;
}

/** Claims and runs every due build of `options.sites`, and waits for them. */
export async function runDueRebuilds(deps: RunRebuildsDeps, options: RunRebuildsOptions): Promise<Record<RunOutcome, number>> {
  const counts: Record<RunOutcome, number> = { succeeded: 0, retrying: 0, failed: 0, interrupted: 0 };
  const claims = await claimDueRebuilds(deps, options);
  const outcomes = await Promise.all(claims.map((claim) => runClaimedRebuild(deps, options, claim)));
  for (const outcome of outcomes) if (outcome) counts[outcome]++;
  return counts;
}

/** The builds of `options.sites` that are due, now held by this instance (a long-running process runs each on its own). */
export async function claimDueRebuilds(deps: RunRebuildsDeps, options: RunRebuildsOptions): Promise<RebuildClaim[]> {
  if (options.sites.length === 0 || options.signal?.aborted) return [];
  return deps.rebuildQueue.claimDue(deps.clock.now(), options.sites);
}

/** Runs a claimed build and records its outcome; null when the lease was lost or the outcome not recorded. */
export async function runClaimedRebuild(
  deps: RunRebuildsDeps,
  options: RunRebuildsOptions,
  claim: RebuildClaim,
): Promise<RunOutcome | null> {
  // The caller's logger carries the component (the worker's and the CLI's say "rebuild").
  const about = { site: claim.siteId, reason: claim.reason, attempt: claim.attempts + 1 };
  const started = deps.clock.now();
  deps.logger.info({ ...about, ...(claim.takenOver ? { takenOver: true } : {}) }, 'rebuild started');
  const signal = options.signal ?? new AbortController().signal;
  let result: RunResult;
  try {
    await deps.runner.run(claim.siteId, { reason: claim.reason, signal });
    result = { kind: 'succeeded' };
  } catch (error) {
    result = signal.aborted ? { kind: 'interrupted' } : { kind: 'failed', error: describe(error) };
  }
  const finished = deps.clock.now();
  const durationMs = finished.getTime() - started.getTime();
  let outcome: RunOutcome | null;
  try {
    outcome = await deps.rebuildQueue.complete(claim, result, finished, options.retry);
  } catch (error) {
    // The lease runs out by itself and another try follows; the build itself may have worked.
    deps.logger.error({ ...about, durationMs, err: error }, 'rebuild outcome not recorded; it will run again');
    return null;
  }
  const error = result.kind === 'failed' ? result.error : undefined;
  if (outcome === null)
    deps.logger.warn({ ...about, durationMs }, 'rebuild finished after its lease ran out; another instance took it over');
  else if (outcome === 'succeeded') deps.logger.info({ ...about, durationMs }, 'rebuild succeeded');
  else if (outcome === 'retrying') {
    const retryInMs = retryDelay(claim.attempts + 1, options.retry);
    deps.logger.warn({ ...about, durationMs, error, retryInMs }, 'rebuild failed, will retry');
  } else if (outcome === 'failed') {
    deps.logger.error({ ...about, durationMs, error }, 'rebuild failed for good; the next change (or `epistle rebuild`) tries again');
  } else deps.logger.warn({ ...about, durationMs }, 'rebuild interrupted by shutdown; due again at once');
  return outcome;
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 2000);
}
