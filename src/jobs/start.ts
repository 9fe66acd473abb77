// Starts the scheduler for `epistle serve`: the registry's jobs with leases in this database.
import { SqlJobLeases } from '../db/job-leases.js';
import { buildJobs, type JobParts, type JobServices } from './registry.js';
import { Scheduler } from './scheduler.js';
import type { Logger } from '../log.js';
import type { Database } from '../db/client.js';

export function startScheduler(
  services: JobServices & { logger: Logger; database: Database },
  parts: JobParts = {},
): Scheduler | undefined {
  const { jobs } = services.config;
  if (!jobs.enabled) {
    services.logger.info({ component: 'jobs' }, 'scheduled jobs disabled ([jobs] enabled = false)');
    return undefined;
  }
  const scheduler = new Scheduler(buildJobs(services, parts), {
    leases: new SqlJobLeases(services.database.db),
    logger: services.logger,
    leaseSeconds: jobs.lease_seconds,
    clock: services.clock,
  });
  scheduler.start();
  return scheduler;
}
