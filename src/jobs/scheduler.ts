// Runs the registry's jobs on their node-cron schedules. A run happens only when (1) the previous
// run of that job in this process has finished and (2) this instance takes the job's lease in the
// database, so several instances sharing a database run each tick of a job once, never at the
// same time. A failing run is logged and recorded in its lease row; the next tick runs as usual.
import { randomUUID } from 'node:crypto';
import { createTask, type Logger as CronLogger, type ScheduledTask } from 'node-cron';
import type { Clock } from '../domain/ports.js';
import type { Logger } from '../log.js';
import type { JobDefinition } from './types.js';

export interface RunRecord {
  finishedAt: Date;
  durationMs: number;
  error: string | null;
}

/** The JobLease table (src/db/job-leases.ts). */
export interface JobLeaseStore {
  /** Takes the lease when it is free or expired and nobody started the tick `slot` yet. */
  acquire(name: string, holder: string, at: { now: Date; until: Date; slot: Date }): Promise<boolean>;
  /** Extends a lease this holder still has; false when it lost it. */
  renew(name: string, holder: string, until: Date): Promise<boolean>;
  /** Frees the lease and records the run, if this holder still has it. */
  release(name: string, holder: string, run: RunRecord): Promise<void>;
}

export interface SchedulerOptions {
  leases: JobLeaseStore;
  logger: Logger;
  leaseSeconds: number;
  clock?: Clock;
  /** This instance's name in lease rows; random per scheduler (i.e. per process). */
  holder?: string;
}

/** What happened to one tick of a job. */
export type RunOutcome = 'ran' | 'failed' | 'busy' | 'leased' | 'lease_error';

/** Jobs firing more often than this log their runs at debug level: at info they would drown the log. */
const quietBelowMs = 10 * 60_000;

export class Scheduler {
  readonly holder: string;
  private readonly tasks: ScheduledTask[] = [];
  private readonly running = new Map<string, Promise<RunOutcome>>();
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(
    readonly jobs: JobDefinition[],
    private readonly options: SchedulerOptions,
  ) {
    this.holder = options.holder ?? `${process.pid}-${randomUUID()}`;
    this.clock = options.clock ?? { now: () => new Date() };
    this.log = options.logger.child({ component: 'jobs' });
    const names = new Set<string>();
    for (const job of jobs) {
      if (names.has(job.name)) throw new Error(`two jobs named "${job.name}"`);
      names.add(job.name);
    }
  }

  start(): void {
    if (this.tasks.length) return;
    const cronLog = cronLogger(this.log);
    for (const job of this.jobs) {
      const task = createTask(job.schedule, (context) => this.tick(job, context.date), { name: job.name, logger: cronLog });
      this.tasks.push(task);
      void task.start();
      this.log.info({ job: job.name, schedule: job.schedule, next: task.getNextRun()?.toISOString() }, 'job scheduled');
    }
  }

  /** Runs a job once now, under the same rules as a scheduled tick (tests, operators). */
  runNow(name: string): Promise<RunOutcome> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`no job "${name}"`);
    return this.tick(job, this.clock.now());
  }

  /** Stops scheduling, then waits for runs in progress up to `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    for (const task of this.tasks.splice(0)) await task.destroy();
    const inFlight = [...this.running.entries()];
    if (inFlight.length === 0) return;
    this.log.info({ jobs: inFlight.map(([n]) => n), graceMs }, 'waiting for running jobs');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
    const done = Promise.allSettled(inFlight.map(([, p]) => p)).then(() => 'done' as const);
    const result = await Promise.race([done, deadline]);
    clearTimeout(timer);
    if (result === 'late') {
      // Their leases expire by themselves; another instance takes over then.
      this.log.warn({ jobs: [...this.running.keys()] }, 'jobs still running at shutdown');
    }
  }

  private tick(job: JobDefinition, slot: Date): Promise<RunOutcome> {
    if (this.running.has(job.name)) {
      this.log.debug({ job: job.name }, 'previous run still going: tick skipped');
      return Promise.resolve('busy');
    }
    // Registered before the first await, so a tick arriving meanwhile sees it.
    const run = this.runLeased(job, slot).finally(() => this.running.delete(job.name));
    this.running.set(job.name, run);
    return run;
  }

  private async runLeased(job: JobDefinition, slot: Date): Promise<RunOutcome> {
    const leaseMs = this.options.leaseSeconds * 1000;
    const { leases } = this.options;
    const started = this.clock.now();
    try {
      if (!(await leases.acquire(job.name, this.holder, { now: started, until: new Date(started.getTime() + leaseMs), slot }))) {
        this.log.debug({ job: job.name }, 'another instance has this run: tick skipped');
        return 'leased';
      }
    } catch (error) {
      this.log.error({ job: job.name, err: error }, 'job lease unavailable: tick skipped');
      return 'lease_error';
    }
    // A run longer than the lease keeps it alive instead of letting a second instance start.
    const heartbeat = setInterval(() => {
      leases.renew(job.name, this.holder, new Date(this.clock.now().getTime() + leaseMs)).then(
        (kept) => kept || this.log.warn({ job: job.name }, 'job lease lost while running'),
        (error: unknown) => this.log.warn({ job: job.name, err: error }, 'job lease renewal failed'),
      );
    }, leaseMs / 3);
    heartbeat.unref();

    const level = this.isFrequent(job) ? 'debug' : 'info';
    this.log[level]({ job: job.name }, 'job started');
    let error: unknown;
    try {
      await job.run();
    } catch (caught) {
      error = caught ?? new Error('job failed');
    } finally {
      clearInterval(heartbeat);
    }
    const finishedAt = this.clock.now();
    const durationMs = finishedAt.getTime() - started.getTime();
    if (error) this.log.error({ job: job.name, durationMs, err: error }, 'job failed');
    else this.log[level]({ job: job.name, durationMs }, 'job finished');
    try {
      await leases.release(job.name, this.holder, { finishedAt, durationMs, error: error ? describe(error) : null });
    } catch (releaseError) {
      this.log.warn({ job: job.name, err: releaseError }, 'job lease not released; it expires by itself');
    }
    return error ? 'failed' : 'ran';
  }

  private isFrequent(job: JobDefinition): boolean {
    const task = this.tasks.find((t) => t.name === job.name);
    const [a, b] = task?.getNextRuns(2) ?? [];
    return a !== undefined && b !== undefined && b.getTime() - a.getTime() < quietBelowMs;
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 2000);
}

/** node-cron's own messages (missed ticks and the like) go to our log instead of the console. */
function cronLogger(log: Logger): CronLogger {
  return {
    info: (message) => log.debug(message),
    warn: (message) => log.warn(message),
    error: (message, err) => log.error({ err: err ?? message }, typeof message === 'string' ? message : 'node-cron error'),
    debug: (message, err) => log.debug({ err }, typeof message === 'string' ? message : 'node-cron'),
  };
}
