// Every scheduled job of Epistle, declared as data: a name (also its lease key and log field), a
// schedule from [jobs], and a handler that only calls domain use cases with [retention] values.
import type { Config } from '../config/schema.js';
import type { ModerateDeps } from '../domain/comments/moderate-comment.js';
import type { Outbox } from '../domain/mail/ports.js';
import { eraseOldIps } from '../domain/maintenance/erase-old-ips.js';
import { handleStalePending } from '../domain/maintenance/handle-stale-pending.js';
import type { MaintenanceStore } from '../domain/maintenance/ports.js';
import { purgeMailRecords } from '../domain/maintenance/purge-mail-records.js';
import { purgeOldComments } from '../domain/maintenance/purge-old-comments.js';
import { sendDigest } from '../domain/maintenance/send-digest.js';
import type { SiteDirectory } from '../domain/sites.js';
import { imapPollJob } from '../mail/imap/poll-job.js';
import type { MailWatcher } from '../mail/imap/watcher.js';
import { outboxJob } from '../mail/smtp/outbox-job.js';
import type { JobDefinition } from './types.js';

/** What the jobs need from src/services.ts. */
export interface JobServices extends ModerateDeps {
  config: Config;
  sites: SiteDirectory;
  maintenance: MaintenanceStore;
  outbox: Outbox;
  /** The outbox deliverer (src/mail/smtp/deliverer.ts); its retry pass is a job. */
  deliverer: { runOnce(): Promise<unknown> };
}

/** Parts started elsewhere whose periodic work is a job: the mailbox watcher exists only with [imap]. */
export interface JobParts {
  watcher?: Pick<MailWatcher, 'pollOnce'> | undefined;
}

export function buildJobs(services: JobServices, parts: JobParts = {}): JobDefinition[] {
  const { jobs: schedules, retention } = services.config;
  const list: JobDefinition[] = [];
  if (parts.watcher) list.push(imapPollJob(parts.watcher, schedules.imap_poll));
  list.push(outboxJob(services.deliverer, schedules.outbox_retry));
  list.push({
    name: 'retention',
    schedule: schedules.retention,
    run: async () => {
      await purgeOldComments(services, { droppedDays: retention.dropped_days, spamDays: retention.spam_days });
      await eraseOldIps(services, { ipDays: retention.ip_days });
      await purgeMailRecords(services, { mailDays: retention.mail_days });
    },
  });
  if (retention.pending_action !== 'none') {
    list.push({
      name: 'reminders',
      schedule: schedules.reminders,
      run: async () => {
        await handleStalePending(services, { pendingDays: retention.pending_days, action: retention.pending_action });
      },
    });
  }
  if (retention.digest) {
    list.push({
      name: 'digest',
      schedule: schedules.digest,
      run: async () => {
        await sendDigest(services);
      },
    });
  }
  return list;
}
