// Retention: comments the moderators dropped, and spam, are deleted some days after the decision
// (kept that long so a mistaken decision can still be undone). 0 days keeps them forever.
import type { Clock, DomainLogger } from '../ports.js';
import { daysAgo } from './pending-mail.js';
import type { MaintenanceStore } from './ports.js';

export interface PurgeDeps {
  maintenance: MaintenanceStore;
  clock: Clock;
  logger: DomainLogger;
}

export async function purgeOldComments(
  deps: PurgeDeps,
  input: { droppedDays: number; spamDays: number },
): Promise<{ dropped: number; spam: number }> {
  const now = deps.clock.now();
  const dropped = input.droppedDays > 0 ? await deps.maintenance.deleteDecided('dropped', daysAgo(now, input.droppedDays)) : 0;
  const spam = input.spamDays > 0 ? await deps.maintenance.deleteDecided('spam', daysAgo(now, input.spamDays)) : 0;
  if (dropped || spam) deps.logger.info({ dropped, spam }, 'old dropped and spam comments purged');
  return { dropped, spam };
}
