// The scheduled fallback for IMAP IDLE: a look at the mailbox on [jobs] imap_poll (every minute
// by default). With IDLE working it finds nothing new; it matters when push is off ([imap]
// idle = false), when a notification was missed, or to retry a reconnect sooner.
import type { JobDefinition } from '../../jobs/types.js';
import type { MailWatcher } from './watcher.js';

export function imapPollJob(watcher: Pick<MailWatcher, 'pollOnce'>, schedule: string): JobDefinition {
  return { name: 'imap_poll', schedule, run: () => watcher.pollOnce() };
}
