// Retention for mail: sent notifications keep a copy of the reader's name, address and words, and
// processed-reply records keep Message-IDs. After [retention] mail_days they go (0 keeps them).
// Forgetting a reply's record is safe: a copy delivered again later finds its comment decided
// and changes nothing.
import type { Clock, DomainLogger } from '../ports.js';
import { daysAgo } from './pending-mail.js';
import type { MaintenanceStore } from './ports.js';

export async function purgeMailRecords(
  deps: { maintenance: MaintenanceStore; clock: Clock; logger: DomainLogger },
  input: { mailDays: number },
): Promise<{ outbox: number; processed: number }> {
  if (input.mailDays <= 0) return { outbox: 0, processed: 0 };
  const purged = await deps.maintenance.deleteMailRecords(daysAgo(deps.clock.now(), input.mailDays));
  if (purged.outbox || purged.processed) deps.logger.info(purged, 'old mail records purged');
  return purged;
}
