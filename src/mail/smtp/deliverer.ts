// Delivers the outbox. Woken at once when this process queues mail (a new comment reaches the
// moderators in milliseconds), and otherwise every so often or when the earliest retry is due,
// so mail queued by another instance or left by a crash is delivered too. Several deliverers
// may run on one database: each row is claimed by one of them (see SqlOutbox.claimDue).
import { defaultRetryPolicy, type OutboxQueue, type OutboxRow, type RetryPolicy } from '../../db/outbox.js';
import { redactMessageId } from '../../domain/mail/notification.js';
import type { Clock } from '../../domain/ports.js';
import type { Logger } from '../../log.js';
import type { MailRenderer } from '../render.js';
import type { MailSender } from './sender.js';

export interface DelivererDeps {
  outbox: OutboxQueue;
  renderer: MailRenderer;
  sender: MailSender;
  logger: Logger;
  clock: Clock;
}

export interface DelivererOptions {
  /** Rows claimed (and sent concurrently through the pool) per round. */
  batchSize: number;
  /** How long a claimed row is ours; past it another instance may take it over. */
  leaseMs: number;
  /** Longest sleep between two looks at the outbox. */
  safetyIntervalMs: number;
  retry: RetryPolicy;
}

export const defaultDelivererOptions: DelivererOptions = {
  batchSize: 10,
  leaseMs: 5 * 60_000,
  safetyIntervalMs: 60_000,
  retry: defaultRetryPolicy,
};

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { responseCode, code } = error as { responseCode?: unknown; code?: unknown };
  const prefix = typeof responseCode === 'number' ? responseCode : typeof code === 'string' ? code : undefined;
  return prefix !== undefined && !error.message.startsWith(String(prefix)) ? `${prefix} ${error.message}` : error.message;
}

export class OutboxDeliverer {
  private readonly options: DelivererOptions;
  private started = false;
  private stopping = false;
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly deps: DelivererDeps,
    options: Partial<DelivererOptions> = {},
  ) {
    this.options = { ...defaultDelivererOptions, ...options };
  }

  get senderKind(): 'smtp' | 'log' {
    return this.deps.sender.kind;
  }

  /** Starts delivering in the background: now, on every enqueue in this process, and periodically. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    this.unsubscribe = this.deps.outbox.onEnqueued(() => this.wake());
    this.wake();
  }

  /** Looks at the outbox now (or right after the round in progress). */
  wake(): void {
    if (!this.started || this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.loop();
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.runOnce().catch((error: unknown) => this.deps.logger.error({ err: error }, 'outbox delivery round failed'));
      } while (this.again && !this.stopping);
      if (!this.stopping) {
        const delay = await this.nextDelay();
        if (!this.stopping) {
          this.timer = setTimeout(() => this.wake(), delay);
          this.timer.unref();
        }
      }
    } finally {
      this.running = undefined;
    }
    if (this.again) this.wake();
  }

  private async nextDelay(): Promise<number> {
    const max = this.options.safetyIntervalMs;
    try {
      const next = await this.deps.outbox.nextDueAt();
      if (!next) return max;
      return Math.min(Math.max(next.getTime() - this.deps.clock.now().getTime(), 20), max);
    } catch {
      return max;
    }
  }

  /** One delivery round: sends every due row; returns how many were sent and how many failed. */
  async runOnce(): Promise<{ sent: number; failed: number }> {
    const result = { sent: 0, failed: 0 };
    for (;;) {
      const rows = await this.deps.outbox.claimDue(this.deps.clock.now(), this.options.batchSize, this.options.leaseMs);
      const outcomes = await Promise.all(rows.map((row) => this.deliver(row)));
      for (const ok of outcomes) result[ok ? 'sent' : 'failed']++;
      // A short batch may mean another instance took some rows: ask again until nothing is claimed.
      if (rows.length === 0 || this.stopping) return result;
    }
  }

  private async deliver(row: OutboxRow): Promise<boolean> {
    const log = this.deps.logger;
    const about = {
      outboxId: row.id,
      kind: row.kind,
      site: row.siteId,
      commentId: row.commentId,
      messageId: redactMessageId(row.messageId),
    };
    try {
      const { template, locale, data } = row.payload;
      await this.deps.sender.send(row, () => this.deps.renderer.render({ siteId: row.siteId, template, locale, data }));
    } catch (error) {
      const reason = describe(error);
      const status = await this.deps.outbox.markAttemptFailed(row, reason, this.deps.clock.now(), this.options.retry);
      const attempts = row.attempts + 1;
      if (status === 'failed') log.error({ ...about, attempts, error: reason }, 'mail failed for good; see `epistle mail outbox`');
      else log.warn({ ...about, attempts, error: reason }, 'mail not sent, will retry');
      return false;
    }
    if (!(await this.deps.outbox.markSent(row, this.deps.clock.now()))) {
      log.warn(about, 'mail sent after its lease ran out; another instance may send it again');
    }
    if (this.deps.sender.kind === 'smtp') log.info({ ...about, to: row.to.length }, 'mail sent');
    return true;
  }

  /** Stops the loop, waits for the round in progress, and closes the SMTP connections. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    this.started = false;
    this.deps.sender.close();
  }
}
