// Runs static-site builds in `epistle serve`, like the outbox deliverer runs mail: woken at once
// when this process records a request, and otherwise when the earliest build is due (or a lease
// runs out) or every safetyIntervalMs, so requests recorded by another instance or the CLI, and
// builds left by a crashed instance, are run too. Several workers may share a database: the queue
// gives each build to one of them. Builds of different sites run side by side; a site's next build
// waits for its current one (a change during a build is built after it).
import type { Clock } from '../domain/ports.js';
import { defaultRebuildRetry, type RetryPolicy } from '../domain/rebuilds/policy.js';
import type { RebuildQueue, RebuildRunner } from '../domain/rebuilds/ports.js';
import { claimDueRebuilds, runClaimedRebuild } from '../domain/rebuilds/run-due-rebuilds.js';
import type { Logger } from '../log.js';

export interface RebuildWorkerDeps {
  rebuildQueue: RebuildQueue & { onRequested(listener: () => void): () => void };
  runner: RebuildRunner;
  clock: Clock;
  logger: Logger;
}

export interface RebuildWorkerOptions {
  /** The sites this instance builds, with the lease one build may hold (its timeout and a margin). */
  sites: ReadonlyArray<{ siteId: string; leaseMs: number }>;
  retry: RetryPolicy;
  /** Longest sleep between two looks at the queue. */
  safetyIntervalMs: number;
}

// 30 s: a request recorded by another process (the CLI, another instance) waits at most this long.
export const defaultWorkerOptions = { retry: defaultRebuildRetry, safetyIntervalMs: 30_000 };

export class RebuildWorker {
  private started = false;
  private stopping = false;
  private looking: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly building = new Map<string, Promise<unknown>>();
  private abort = new AbortController();

  constructor(
    private readonly deps: RebuildWorkerDeps,
    private readonly options: RebuildWorkerOptions,
  ) {}

  get siteIds(): string[] {
    return this.options.sites.map((s) => s.siteId);
  }

  start(): void {
    if (this.started || this.options.sites.length === 0) return;
    this.started = true;
    this.stopping = false;
    this.abort = new AbortController();
    this.unsubscribe = this.deps.rebuildQueue.onRequested(() => this.wake());
    this.wake();
  }

  /** Looks at the queue now (or right after the look in progress). */
  wake(): void {
    if (!this.started || this.stopping) return;
    if (this.looking) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.looking = this.look();
  }

  private async look(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.claimAndStart().catch((error: unknown) => this.deps.logger.error({ err: error }, 'rebuild queue unavailable'));
      } while (this.again && !this.stopping);
      if (!this.stopping) {
        const delay = await this.nextDelay();
        if (!this.stopping) {
          this.timer = setTimeout(() => this.wake(), delay);
          this.timer.unref();
        }
      }
    } finally {
      this.looking = undefined;
    }
    if (this.again) this.wake();
  }

  private async claimAndStart(): Promise<void> {
    const idle = this.options.sites.filter((s) => !this.building.has(s.siteId));
    const options = { sites: idle, retry: this.options.retry, signal: this.abort.signal };
    for (const claim of await claimDueRebuilds(this.deps, options)) {
      const build = runClaimedRebuild(this.deps, options, claim).finally(() => {
        this.building.delete(claim.siteId);
        // Its outcome may have scheduled a retry, or a change during it the next build.
        this.wake();
      });
      this.building.set(claim.siteId, build);
    }
  }

  private async nextDelay(): Promise<number> {
    const max = this.options.safetyIntervalMs;
    try {
      const next = await this.deps.rebuildQueue.nextWakeAt(this.siteIds);
      if (!next) return max;
      return Math.min(Math.max(next.getTime() - this.deps.clock.now().getTime() + 5, 20), max);
    } catch {
      return max;
    }
  }

  /** Builds in progress right now (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.looking || this.building.size > 0) {
      await this.looking;
      await Promise.allSettled([...this.building.values()]);
    }
  }

  /**
   * Stops looking and interrupts builds in progress (a command is killed, a POST aborted); they are
   * recorded as due again at once, for the next instance to start. Waits for that record.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.abort.abort();
    await this.looking;
    await Promise.allSettled([...this.building.values()]);
    this.started = false;
  }
}
