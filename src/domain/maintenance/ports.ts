// What the retention, reminder and digest use cases need from storage. The SQL adapter is
// src/db/maintenance-store.ts; unit tests use an in-memory fake.

/** A pending comment as a moderator's reminder or digest lists it. */
export interface PendingSummary {
  id: number;
  siteId: string;
  pageUrl: string;
  author: string;
  body: string;
  createdAt: Date;
}

export interface MaintenanceStore {
  /** Deletes the comments in `status` decided before `decidedBefore`; returns how many went. */
  deleteDecided(status: 'dropped' | 'spam', decidedBefore: Date): Promise<number>;
  /** Forgets the reader addresses of comments created before `createdBefore`; returns how many. */
  eraseClientIps(createdBefore: Date): Promise<number>;
  /** Deletes rate-limit windows that started before `before` (their keys hold reader addresses). */
  deleteRateLimitWindows(before: Date): Promise<number>;
  /**
   * Deletes delivered or abandoned outbox rows created before `before` (they hold readers' names,
   * addresses and words) and the processed-mail records of replies handled before it.
   */
  deleteMailRecords(before: Date): Promise<{ outbox: number; processed: number }>;
  /** A site's pending comments, oldest first. */
  pendingOf(siteId: string, filter: { createdBefore?: Date; notReminded?: boolean; limit: number }): Promise<PendingSummary[]>;
  countPending(siteId: string): Promise<number>;
  /**
   * Stamps `remindedAt = at` on those of `ids` not reminded yet and returns the ids it stamped, so
   * that a comment is put in one reminder only, whoever else runs at the same time.
   */
  markReminded(ids: number[], at: Date): Promise<number[]>;
  /** Undoes markReminded(ids, at) when the reminder could not be queued. */
  clearReminded(ids: number[], at: Date): Promise<void>;
}
