// Privacy: a reader's IP address is kept only as long as it serves rate limits and the spam log
// (fail2ban), then erased from the comment; rate-limit windows, whose keys hold addresses, go
// after a day. 0 days keeps the addresses on comments.
import type { Clock, DomainLogger } from '../ports.js';
import { daysAgo } from './pending-mail.js';
import type { MaintenanceStore } from './ports.js';

export interface EraseIpsDeps {
  maintenance: MaintenanceStore;
  clock: Clock;
  logger: DomainLogger;
}

export async function eraseOldIps(deps: EraseIpsDeps, input: { ipDays: number }): Promise<{ comments: number; rateLimits: number }> {
  const now = deps.clock.now();
  const comments = input.ipDays > 0 ? await deps.maintenance.eraseClientIps(daysAgo(now, input.ipDays)) : 0;
  const rateLimits = await deps.maintenance.deleteRateLimitWindows(daysAgo(now, 1));
  if (comments || rateLimits) deps.logger.info({ comments, rateLimits }, 'old reader addresses erased');
  return { comments, rateLimits };
}
