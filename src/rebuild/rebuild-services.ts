// The rebuild parts of the composition root: which sites rebuild and how (from [sites.<id>]
// rebuild_*), the queue in the database, and the worker that `serve` starts.
import type { Config } from '../config/schema.js';
import type { Db } from '../db/client.js';
import { SqlRebuildQueue } from '../db/rebuild-queue.js';
import type { Clock } from '../domain/ports.js';
import { debouncePolicy, type DebouncePolicy } from '../domain/rebuilds/policy.js';
import { RebuildPlans } from '../domain/rebuilds/request-rebuild.js';
import type { Logger } from '../log.js';
import { createRebuildRunner, rebuildTarget, type RebuildTarget } from './runner.js';
import { defaultWorkerOptions, RebuildWorker, type RebuildWorkerOptions } from './worker.js';

export interface RebuildServices {
  rebuildQueue: SqlRebuildQueue;
  /** Which sites rebuild, for the use cases that publish comments. */
  rebuilds: RebuildPlans;
  rebuildTargets: ReadonlyMap<string, RebuildTarget>;
  /** Not running until start() (serve does it). */
  rebuildWorker: RebuildWorker;
}

/** A build may hold its lease for its timeout plus this (the kill grace and the bookkeeping). */
const leaseMarginMs = 60_000;

export async function createRebuildServices(
  config: Config,
  logger: Logger,
  db: Db,
  clock: Clock,
  workerOptions: Partial<Omit<RebuildWorkerOptions, 'sites'>> = {},
): Promise<RebuildServices> {
  const targets = new Map<string, RebuildTarget>();
  const policies = new Map<string, DebouncePolicy>();
  for (const [id, site] of Object.entries(config.sites)) {
    const target = rebuildTarget(site);
    if (!target) continue;
    targets.set(id, target);
    policies.set(id, debouncePolicy(site.rebuild_debounce_seconds));
  }
  const rebuildQueue = new SqlRebuildQueue(db);
  await rebuildQueue.ensureSites([...targets.keys()]);
  const log = logger.child({ component: 'rebuild' });
  const rebuildWorker = new RebuildWorker(
    { rebuildQueue, runner: createRebuildRunner(targets, log), clock, logger: log },
    {
      ...defaultWorkerOptions,
      ...workerOptions,
      sites: [...targets].map(([siteId, t]) => ({ siteId, leaseMs: t.timeoutMs + leaseMarginMs })),
    },
  );
  return {
    rebuildQueue,
    rebuilds: new RebuildPlans(policies, () => rebuildQueue.notifyRequested()),
    rebuildTargets: targets,
    rebuildWorker,
  };
}
