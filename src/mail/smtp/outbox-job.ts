// The outbox retry pass as a scheduled job (schedule: [jobs] outbox_retry). The deliverer already
// wakes itself for new and due mail; this pass, run under the scheduler's database lease, is the
// guarantee that mail queued by any instance is delivered even if that instance's loop is gone.
import type { JobDefinition } from '../../jobs/types.js';

export function outboxJob(deliverer: { runOnce(): Promise<unknown> }, schedule: string): JobDefinition {
  return {
    name: 'outbox_retry',
    schedule,
    run: async () => {
      await deliverer.runOnce();
    },
  };
}
