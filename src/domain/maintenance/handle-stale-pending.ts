// Pending comments nobody moderated for `pendingDays`: either remind the site's moderators (one
// mail per site listing them, each comment in one reminder only), drop them through the same use
// case a moderator's decision goes through, or leave them be.
import { moderateComment, type ModerateDeps } from '../comments/moderate-comment.js';
import { DomainError } from '../errors.js';
import type { Outbox } from '../mail/ports.js';
import type { SiteDirectory } from '../sites.js';
import type { Site } from '../types.js';
import { daysAgo, listedPerMail, pendingMailData } from './pending-mail.js';
import type { MaintenanceStore } from './ports.js';

export type PendingAction = 'remind' | 'drop' | 'none';

export interface StalePendingDeps extends ModerateDeps {
  sites: SiteDirectory;
  maintenance: MaintenanceStore;
  outbox: Outbox;
}

export async function handleStalePending(
  deps: StalePendingDeps,
  input: { pendingDays: number; action: PendingAction },
): Promise<{ reminded: number; dropped: number }> {
  if (input.action === 'none') return { reminded: 0, dropped: 0 };
  const cutoff = daysAgo(deps.clock.now(), input.pendingDays);
  let reminded = 0;
  let dropped = 0;
  const failures: unknown[] = [];
  for (const site of deps.sites.all()) {
    try {
      if (input.action === 'remind') reminded += await remindSite(deps, site, cutoff);
      else dropped += await dropStale(deps, site, cutoff);
    } catch (error) {
      // One site's failure must not keep the others' moderators uninformed.
      failures.push(error);
    }
  }
  if (reminded || dropped) deps.logger.info({ reminded, dropped, pendingDays: input.pendingDays }, 'stale pending comments handled');
  if (failures.length) throw new AggregateError(failures, `stale pending comments: ${failures.length} site(s) failed`);
  return { reminded, dropped };
}

async function remindSite(deps: StalePendingDeps, site: Site, cutoff: Date): Promise<number> {
  const candidates = await deps.maintenance.pendingOf(site.id, { createdBefore: cutoff, notReminded: true, limit: listedPerMail });
  if (candidates.length === 0) return 0;
  if (site.moderators.length === 0) {
    deps.logger.warn({ site: site.id, pending: candidates.length }, 'stale pending comments but no moderators to remind');
    return 0;
  }
  const now = deps.clock.now();
  const claimed = new Set(
    await deps.maintenance.markReminded(
      candidates.map((c) => c.id),
      now,
    ),
  );
  const comments = candidates.filter((c) => claimed.has(c.id));
  if (comments.length === 0) return 0;
  try {
    await deps.outbox.enqueue({
      kind: 'reminder',
      siteId: site.id,
      commentId: null,
      to: site.moderators,
      template: 'reminder',
      locale: site.locale,
      data: pendingMailData(site, comments),
    });
  } catch (error) {
    // Not queued: the comments stay un-reminded so that the next run lists them again.
    await deps.maintenance.clearReminded([...claimed], now);
    throw error;
  }
  return comments.length;
}

async function dropStale(deps: StalePendingDeps, site: Site, cutoff: Date): Promise<number> {
  let dropped = 0;
  for (;;) {
    const batch = await deps.maintenance.pendingOf(site.id, { createdBefore: cutoff, limit: 200 });
    for (const c of batch) {
      try {
        const outcome = await moderateComment(deps, { commentId: c.id, decision: 'drop', by: 'retention' });
        if (outcome.kind === 'applied') dropped++;
      } catch (error) {
        // Deleted between the listing and the decision: nothing left to drop.
        if (!(error instanceof DomainError && error.code === 'comment_not_found')) throw error;
      }
    }
    // Every comment listed left "pending" (dropped here or decided elsewhere), so this ends.
    if (batch.length < 200) return dropped;
  }
}
