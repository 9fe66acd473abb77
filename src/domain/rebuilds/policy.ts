// When a site's static build should run, as pure functions of the stored state and the time, so
// the rules are the same on every instance and testable with a fake clock. The adapter stores
// what these return; nothing here knows how or where.

/** How changes are gathered into builds; from [sites.<id>] rebuild_debounce_seconds. */
export interface DebouncePolicy {
  /** A build starts once no change has come for this long... */
  debounceMs: number;
  /** ...or this long after the first change it carries, so a steady stream of changes still builds. */
  maxWaitMs: number;
}

/** How failed builds are retried: exponential from baseMs, capped at maxMs, given up after maxAttempts. */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
}

/** A trailing debounce of `debounceSeconds`, never postponing a build more than ten windows. */
export function debouncePolicy(debounceSeconds: number): DebouncePolicy {
  const debounceMs = debounceSeconds * 1000;
  return { debounceMs, maxWaitMs: debounceMs * 10 };
}

/** 30 s, 1 min, 2 min ... capped at 30 min; the 8th failure in a row is final until the next change. */
export const defaultRebuildRetry: RetryPolicy = { baseMs: 30_000, maxMs: 30 * 60_000, maxAttempts: 8 };

/** The stored state of one site's rebuild that these rules read and write. */
export interface RebuildSchedule {
  /** When the next build should start; null: none is wanted. */
  dueAt: Date | null;
  /** The first change not yet carried by a started build. */
  pendingSince: Date | null;
  /** Failed tries of the build now wanted. */
  attempts: number;
}

export const idleSchedule: RebuildSchedule = { dueAt: null, pendingSince: null, attempts: 0 };

const later = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

/**
 * A change happened at `now`. Nothing wanted: a build is due one debounce from now. Already
 * wanted: it moves to one debounce from now (never earlier than it was, which keeps a retry's
 * backoff), but not past maxWait after the first change it carries.
 */
export function afterRequest(state: RebuildSchedule, now: Date, policy: DebouncePolicy): RebuildSchedule {
  if (state.dueAt === null) return { dueAt: plus(now, policy.debounceMs), pendingSince: now, attempts: 0 };
  const pendingSince = state.pendingSince ?? now;
  const quiet = plus(now, policy.debounceMs);
  const cap = plus(pendingSince, policy.maxWaitMs);
  const wanted = quiet.getTime() <= cap.getTime() ? quiet : later(cap, now);
  return { dueAt: later(state.dueAt, wanted), pendingSince, attempts: state.attempts };
}

/** A request to build now, by hand: due at once, keeping a later retry's attempts count. */
export function afterManualRequest(state: RebuildSchedule, now: Date): RebuildSchedule {
  return { dueAt: now, pendingSince: state.pendingSince ?? now, attempts: state.dueAt === null ? 0 : state.attempts };
}

/** Delay before the next try after `attempts` failed ones (attempts >= 1). */
export function retryDelay(attempts: number, policy: RetryPolicy): number {
  return Math.min(policy.baseMs * 2 ** Math.max(0, attempts - 1), policy.maxMs);
}

export type RunResult = { kind: 'succeeded' } | { kind: 'failed'; error: string } | { kind: 'interrupted' };

export type RunOutcome = 'succeeded' | 'retrying' | 'failed' | 'interrupted';

/**
 * A build claimed with `claimedAttempts` past failures ended with `result`; `state` is the row as
 * it is now, whose dueAt was cleared when the build was claimed, so a dueAt here means a change
 * came during the build and wants a build of its own after it.
 */
export function afterRun(
  state: RebuildSchedule,
  claimedAttempts: number,
  result: RunResult,
  now: Date,
  retry: RetryPolicy,
): { schedule: RebuildSchedule; outcome: RunOutcome } {
  const changedMeanwhile = state.dueAt !== null;
  switch (result.kind) {
    case 'succeeded':
      // The build carried every change made before it started; later ones keep their own dueAt.
      return { schedule: { ...state, attempts: 0 }, outcome: 'succeeded' };
    case 'interrupted': {
      // Stopped by a shutdown, not by the build: due again at once, on whichever instance is up.
      const dueAt = state.dueAt && state.dueAt.getTime() < now.getTime() ? state.dueAt : now;
      return { schedule: { dueAt, pendingSince: state.pendingSince ?? now, attempts: claimedAttempts }, outcome: 'interrupted' };
    }
    case 'failed': {
      const attempts = claimedAttempts + 1;
      if (attempts >= retry.maxAttempts) {
        // Given up; a change made during this last try is a fresh reason to build, with fresh attempts.
        return changedMeanwhile
          ? { schedule: { ...state, attempts: 0 }, outcome: 'failed' }
          : { schedule: { ...idleSchedule, attempts }, outcome: 'failed' };
      }
      const retryAt = plus(now, retryDelay(attempts, retry));
      const dueAt = changedMeanwhile && state.dueAt ? later(state.dueAt, retryAt) : retryAt;
      return { schedule: { dueAt, pendingSince: state.pendingSince ?? now, attempts }, outcome: 'retrying' };
    }
  }
}
