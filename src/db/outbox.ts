// The outbox on Prisma: durable mail queue shared by every instance. A row is claimed with a
// conditional update (only one instance's update can match the row as it was read), sent, then
// marked sent or rescheduled with exponential backoff; after maxAttempts it is 'failed'.
import { randomUUID } from 'node:crypto';
import type { MailKind, Outbox, OutgoingMail } from '../domain/mail/ports.js';
import type { Locale } from '../domain/types.js';
import type { Db } from './client.js';

export const outboxStatuses = ['pending', 'sending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];

/** What is stored to render the mail at send time (so a template fix also applies to retries). */
export interface OutboxPayload {
  template: string;
  locale: Locale;
  data: Record<string, unknown>;
  inReplyTo?: string;
  references?: string[];
}

export interface OutboxRow {
  id: number;
  kind: MailKind;
  siteId: string;
  commentId: number | null;
  to: string[];
  messageId: string;
  payload: OutboxPayload;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  leasedUntil: Date | null;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
}

/** 30 s, 1 min, 2 min ... capped at 1 h; the 10th failure (about 4 h after the first) is final. */
export const defaultRetryPolicy: RetryPolicy = { baseMs: 30_000, maxMs: 3_600_000, maxAttempts: 10 };

/** Delay before the next try after `attempts` failed ones (attempts >= 1). */
export function retryDelay(attempts: number, policy: RetryPolicy): number {
  return Math.min(policy.baseMs * 2 ** Math.max(0, attempts - 1), policy.maxMs);
}

export function newMessageId(kind: string, domain: string): string {
  return `<epistle.${kind}.${randomUUID()}@${domain}>`;
}

/** The Outbox row for a mail; also used by the comment store inside its transaction. */
export function outboxRowData(mail: OutgoingMail, messageId: string) {
  const payload: OutboxPayload = {
    template: mail.template,
    locale: mail.locale,
    data: mail.data,
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
    ...(mail.references?.length ? { references: mail.references } : {}),
  };
  return {
    kind: mail.kind,
    siteId: mail.siteId,
    commentId: mail.commentId,
    recipients: mail.to.join(','),
    messageId,
    payload: JSON.stringify(payload),
  };
}

type Row = Awaited<ReturnType<Db['outbox']['findFirstOrThrow']>>;

function toRow(r: Row): OutboxRow {
  return {
    ...r,
    kind: r.kind as MailKind,
    status: r.status as OutboxStatus,
    to: r.recipients.split(',').filter(Boolean),
    payload: JSON.parse(r.payload) as OutboxPayload,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

export class PrismaOutbox implements Outbox {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly db: Db,
    /** Right-hand side of generated Message-IDs. */
    private readonly domain: string,
  ) {}

  /** `listener` runs after each enqueue in this process (the deliverer wakes up on it). */
  onEnqueued(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notifyEnqueued(): void {
    for (const listener of this.listeners) listener();
  }

  /** Idempotent by messageId: enqueuing a mail whose fixed Message-ID is already queued returns that row. */
  async enqueue(mail: OutgoingMail): Promise<{ id: number; messageId: string }> {
    const messageId = mail.messageId ?? newMessageId(mail.kind, this.domain);
    try {
      const row = await this.db.outbox.create({ data: outboxRowData(mail, messageId), select: { id: true, messageId: true } });
      this.notifyEnqueued();
      return row;
    } catch (error) {
      if (!mail.messageId || !isUniqueViolation(error)) throw error;
      return this.db.outbox.findUniqueOrThrow({ where: { messageId }, select: { id: true, messageId: true } });
    }
  }

  /**
   * Takes up to `limit` rows that are due (or whose sender's lease ran out) for `leaseMs`. The
   * update matches the row only as it was read, so of two instances reading it, one claims it.
   */
  async claimDue(now: Date, limit: number, leaseMs: number): Promise<OutboxRow[]> {
    // Losing every candidate to another instance does not mean nothing is left: look again.
    for (let round = 0; round < 3; round++) {
      const candidates = await this.db.outbox.findMany({
        where: {
          OR: [
            { status: 'pending', nextAttemptAt: { lte: now } },
            { status: 'sending', leasedUntil: { lt: now } },
          ],
        },
        orderBy: [{ nextAttemptAt: 'asc' }, { id: 'asc' }],
        take: limit,
      });
      if (candidates.length === 0) return [];
      const claimed: OutboxRow[] = [];
      for (const c of candidates) {
        const leasedUntil = new Date(now.getTime() + leaseMs);
        const { count } = await this.db.outbox.updateMany({
          where: { id: c.id, status: c.status, attempts: c.attempts, leasedUntil: c.leasedUntil },
          data: { status: 'sending', leasedUntil },
        });
        if (count === 1) claimed.push(toRow({ ...c, status: 'sending', leasedUntil }));
      }
      if (claimed.length > 0) return claimed;
    }
    return [];
  }

  /** False when the lease was lost meanwhile (another instance took the row over). */
  async markSent(row: OutboxRow, at: Date): Promise<boolean> {
    const { count } = await this.db.outbox.updateMany({
      where: { id: row.id, status: 'sending', leasedUntil: row.leasedUntil },
      data: { status: 'sent', sentAt: at, leasedUntil: null, lastError: null },
    });
    return count === 1;
  }

  /** Records a failed try: back to 'pending' after a delay, or 'failed' once attempts are used up. */
  async markAttemptFailed(row: OutboxRow, error: string, now: Date, policy: RetryPolicy): Promise<OutboxStatus> {
    const attempts = row.attempts + 1;
    const status: OutboxStatus = attempts >= policy.maxAttempts ? 'failed' : 'pending';
    await this.db.outbox.updateMany({
      where: { id: row.id, status: 'sending', leasedUntil: row.leasedUntil },
      data: {
        status,
        attempts,
        lastError: error.slice(0, 1000),
        leasedUntil: null,
        nextAttemptAt: new Date(now.getTime() + retryDelay(attempts, policy)),
      },
    });
    return status;
  }

  /** When the earliest pending row is due, or null when none is waiting. */
  async nextDueAt(): Promise<Date | null> {
    const row = await this.db.outbox.findFirst({
      where: { status: 'pending' },
      orderBy: { nextAttemptAt: 'asc' },
      select: { nextAttemptAt: true },
    });
    return row?.nextAttemptAt ?? null;
  }

  async list(filter: { status?: OutboxStatus; limit: number }): Promise<OutboxRow[]> {
    const rows = await this.db.outbox.findMany({
      where: filter.status ? { status: filter.status } : {},
      orderBy: { id: 'desc' },
      take: filter.limit,
    });
    return rows.map(toRow);
  }

  async find(id: number): Promise<OutboxRow | null> {
    const row = await this.db.outbox.findUnique({ where: { id } });
    return row ? toRow(row) : null;
  }

  /** Puts failed rows (or one of them) back in the queue with fresh attempts; returns how many. */
  async retryFailed(id?: number): Promise<number> {
    const { count } = await this.db.outbox.updateMany({
      where: { status: 'failed', ...(id !== undefined ? { id } : {}) },
      data: { status: 'pending', attempts: 0, nextAttemptAt: new Date() },
    });
    if (count > 0) this.notifyEnqueued();
    return count;
  }
}
