// The outbox in SQL (Kysely): durable mail queue shared by every instance. A row is claimed with a
// conditional update (only one instance's update can match the row as it was read), sent, then
// marked sent or rescheduled with exponential backoff; after maxAttempts it is 'failed'.
import { randomUUID } from 'node:crypto';
import type { MailKind, Outbox, OutgoingMail } from '../domain/mail/ports.js';
import type { Locale } from '../domain/types.js';
import type { Selectable } from 'kysely';
import type { Db } from './client.js';
import { isUniqueViolation } from './errors.js';
import type { Outbox as OutboxTable } from './tables.js';

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
export function outboxRowData(
  mail: OutgoingMail,
  messageId: string,
): { kind: string; siteId: string; commentId: number | null; recipients: string; messageId: string; payload: string } {
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

/** What the deliverer and the CLI use of the outbox, beyond the domain's enqueue. */
export interface OutboxQueue extends Outbox {
  onEnqueued(listener: () => void): () => void;
  notifyEnqueued(): void;
  claimDue(now: Date, limit: number, leaseMs: number): Promise<OutboxRow[]>;
  markSent(row: OutboxRow, at: Date): Promise<boolean>;
  markAttemptFailed(row: OutboxRow, error: string, now: Date, policy: RetryPolicy): Promise<OutboxStatus>;
  nextDueAt(): Promise<Date | null>;
  list(filter: { status?: OutboxStatus; limit: number }): Promise<OutboxRow[]>;
  find(id: number): Promise<OutboxRow | null>;
  retryFailed(id?: number): Promise<number>;
}

type Row = Selectable<OutboxTable>;

function toRow(r: Row): OutboxRow {
  const { recipients, ...rest } = r;
  return {
    ...rest,
    kind: r.kind as MailKind,
    status: r.status as OutboxStatus,
    to: recipients.split(',').filter(Boolean),
    payload: JSON.parse(r.payload) as OutboxPayload,
  };
}

export class SqlOutbox implements OutboxQueue {
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
    const now = new Date();
    try {
      const row = await this.db
        .insertInto('Outbox')
        .values({ ...outboxRowData(mail, messageId), createdAt: now, nextAttemptAt: now })
        .returning(['id', 'messageId'])
        .executeTakeFirstOrThrow();
      this.notifyEnqueued();
      return row;
    } catch (error) {
      if (!mail.messageId || !isUniqueViolation(error)) throw error;
      return this.db.selectFrom('Outbox').select(['id', 'messageId']).where('messageId', '=', messageId).executeTakeFirstOrThrow();
    }
  }

  /**
   * Takes up to `limit` rows that are due (or whose sender's lease ran out) for `leaseMs`. The
   * update matches the row only as it was read, so of two instances reading it, one claims it.
   */
  async claimDue(now: Date, limit: number, leaseMs: number): Promise<OutboxRow[]> {
    // Losing every candidate to another instance does not mean nothing is left: look again.
    for (let round = 0; round < 3; round++) {
      const claimed = await this.claimRound(now, limit, leaseMs);
      if (claimed === null) return [];
      if (claimed.length > 0) return claimed;
    }
    return [];
  }

  /**
   * One look and the claims, in one transaction: one commit for the batch instead of one per row
   * (on SQLite each autocommitted write is a commit, most of the deliverer's cost per mail).
   * Null when nothing is due.
   */
  private claimRound(now: Date, limit: number, leaseMs: number): Promise<OutboxRow[] | null> {
    return this.db.transaction().execute(async (tx) => {
      const candidates = await tx
        .selectFrom('Outbox')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'pending'), eb('nextAttemptAt', '<=', now)]),
            eb.and([eb('status', '=', 'sending'), eb('leasedUntil', '<', now)]),
          ]),
        )
        .orderBy('nextAttemptAt', 'asc')
        .orderBy('id', 'asc')
        .limit(limit)
        .execute();
      if (candidates.length === 0) return null;
      const claimed: OutboxRow[] = [];
      for (const c of candidates) {
        const leasedUntil = new Date(now.getTime() + leaseMs);
        const { numUpdatedRows } = await tx
          .updateTable('Outbox')
          .set({ status: 'sending', leasedUntil })
          .where('id', '=', c.id)
          .where('status', '=', c.status)
          .where('attempts', '=', c.attempts)
          .where('leasedUntil', c.leasedUntil === null ? 'is' : '=', c.leasedUntil)
          .executeTakeFirst();
        if (numUpdatedRows === 1n) claimed.push(toRow({ ...c, status: 'sending', leasedUntil }));
      }
      return claimed;
    });
  }

  /** False when the lease was lost meanwhile (another instance took the row over). */
  async markSent(row: OutboxRow, at: Date): Promise<boolean> {
    const { numUpdatedRows } = await this.db
      .updateTable('Outbox')
      .set({ status: 'sent', sentAt: at, leasedUntil: null, lastError: null })
      .where('id', '=', row.id)
      .where('status', '=', 'sending')
      .where('leasedUntil', row.leasedUntil === null ? 'is' : '=', row.leasedUntil)
      .executeTakeFirst();
    return numUpdatedRows === 1n;
  }

  /** Records a failed try: back to 'pending' after a delay, or 'failed' once attempts are used up. */
  async markAttemptFailed(row: OutboxRow, error: string, now: Date, policy: RetryPolicy): Promise<OutboxStatus> {
    const attempts = row.attempts + 1;
    const status: OutboxStatus = attempts >= policy.maxAttempts ? 'failed' : 'pending';
    await this.db
      .updateTable('Outbox')
      .set({
        status,
        attempts,
        lastError: error.slice(0, 1000),
        leasedUntil: null,
        nextAttemptAt: new Date(now.getTime() + retryDelay(attempts, policy)),
      })
      .where('id', '=', row.id)
      .where('status', '=', 'sending')
      .where('leasedUntil', row.leasedUntil === null ? 'is' : '=', row.leasedUntil)
      .execute();
    return status;
  }

  /** When the earliest pending row is due, or null when none is waiting. */
  async nextDueAt(): Promise<Date | null> {
    const row = await this.db
      .selectFrom('Outbox')
      .select('nextAttemptAt')
      .where('status', '=', 'pending')
      .orderBy('nextAttemptAt', 'asc')
      .limit(1)
      .executeTakeFirst();
    return row?.nextAttemptAt ?? null;
  }

  async list(filter: { status?: OutboxStatus; limit: number }): Promise<OutboxRow[]> {
    let query = this.db.selectFrom('Outbox').selectAll();
    if (filter.status) query = query.where('status', '=', filter.status);
    const rows = await query.orderBy('id', 'desc').limit(filter.limit).execute();
    return rows.map(toRow);
  }

  async find(id: number): Promise<OutboxRow | null> {
    const row = await this.db.selectFrom('Outbox').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRow(row) : null;
  }

  /** Puts failed rows (or one of them) back in the queue with fresh attempts; returns how many. */
  async retryFailed(id?: number): Promise<number> {
    let query = this.db
      .updateTable('Outbox')
      .set({ status: 'pending', attempts: 0, nextAttemptAt: new Date() })
      .where('status', '=', 'failed');
    if (id !== undefined) query = query.where('id', '=', id);
    const { numUpdatedRows } = await query.executeTakeFirst();
    const count = Number(numUpdatedRows);
    if (count > 0) this.notifyEnqueued();
    return count;
  }
}
