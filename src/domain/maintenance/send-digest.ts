// The daily digest: each site's moderators get one mail listing the comments still pending,
// oldest first, when there are any. Enabled by [retention] digest; scheduled by [jobs] digest.
import type { Outbox } from '../mail/ports.js';
import type { DomainLogger } from '../ports.js';
import type { SiteDirectory } from '../sites.js';
import { listedPerMail, pendingMailData } from './pending-mail.js';
import type { MaintenanceStore } from './ports.js';

export interface DigestDeps {
  sites: SiteDirectory;
  maintenance: MaintenanceStore;
  outbox: Outbox;
  logger: DomainLogger;
}

export async function sendDigest(deps: DigestDeps): Promise<{ mails: number }> {
  let mails = 0;
  const failures: unknown[] = [];
  for (const site of deps.sites.all()) {
    if (site.moderators.length === 0) continue;
    try {
      const total = await deps.maintenance.countPending(site.id);
      if (total === 0) continue;
      const comments = await deps.maintenance.pendingOf(site.id, { limit: listedPerMail });
      await deps.outbox.enqueue({
        kind: 'digest',
        siteId: site.id,
        commentId: null,
        to: site.moderators,
        template: 'digest',
        locale: site.locale,
        data: pendingMailData(site, comments, total),
      });
      mails++;
      deps.logger.info({ site: site.id, pending: total }, 'digest queued');
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length) throw new AggregateError(failures, `digest: ${failures.length} site(s) failed`);
  return { mails };
}
