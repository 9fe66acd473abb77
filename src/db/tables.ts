// Kysely table types, generated from prisma/*/schema.prisma by prisma-kysely:
// npm run db:types (never edit by hand; test/unit/db-types.test.ts fails when it drifts).
import type { ColumnType } from 'kysely';
export type Generated<T> =
  T extends ColumnType<infer S, infer I, infer U> ? ColumnType<S, I | undefined, U> : ColumnType<T, T | undefined, T>;
export type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type Comment = {
  id: Generated<number>;
  pageId: number;
  parentId: number | null;
  author: string;
  email: string | null;
  website: string | null;
  body: string;
  html: string | null;
  /**
   * pending | approved | dropped | spam
   */
  status: Generated<string>;
  /**
   * true for an answer written by the site owner (reply by email)
   */
  byOwner: Generated<boolean>;
  clientIp: string | null;
  /**
   * secret moderation token (hex, 256 bits) for the email loop
   */
  token: string;
  createdAt: Generated<Date>;
  updatedAt: Date;
  decidedAt: Date | null;
  /**
   * Message-ID of the notification sent to the moderators (embeds the token); replies match on it
   */
  notificationMessageId: string | null;
  /**
   * when the moderators were last reminded of this pending comment
   */
  remindedAt: Date | null;
};
export type JobLease = {
  name: string;
  holder: string;
  leasedUntil: Date;
  lastStartedAt: Date | null;
  lastFinishedAt: Date | null;
  lastDurationMs: number | null;
  lastError: string | null;
};
export type Outbox = {
  id: Generated<number>;
  /**
   * notification | confirmation | help | reminder | digest
   */
  kind: string;
  siteId: string;
  commentId: number | null;
  /**
   * recipients, comma-separated
   */
  recipients: string;
  messageId: string;
  /**
   * JSON: template name, locale and the data to render, or a rendered message
   */
  payload: string;
  /**
   * pending | sending | sent | failed
   */
  status: Generated<string>;
  attempts: Generated<number>;
  nextAttemptAt: Generated<Date>;
  leasedUntil: Date | null;
  lastError: string | null;
  createdAt: Generated<Date>;
  sentAt: Date | null;
};
export type Page = {
  id: Generated<number>;
  siteId: string;
  url: string;
  title: string | null;
  /**
   * bumped whenever the published comments change; read caches and ETags key on it
   */
  version: Generated<number>;
  createdAt: Generated<Date>;
};
export type ProcessedMail = {
  messageId: string;
  commentId: number | null;
  /**
   * applied | unchanged | already_decided | rejected | ignored | help
   */
  outcome: string;
  detail: string | null;
  processedAt: Generated<Date>;
};
export type RateLimit = {
  key: string;
  windowStart: number;
  count: number;
};
export type RebuildRequest = {
  siteId: string;
  /**
   * when the next build should start; null: no build wanted
   */
  dueAt: Date | null;
  /**
   * the first change not yet in a started build (debouncing never postpones a build past a cap from it)
   */
  pendingSince: Date | null;
  /**
   * why the latest request was made: approved | unpublished | answered | manual | ...
   */
  reason: string | null;
  /**
   * requests recorded for the site, ever (for `epistle rebuild --status`)
   */
  requests: Generated<number>;
  /**
   * failed tries of the build now wanted
   */
  attempts: Generated<number>;
  /**
   * the instance running the build, and until when it may (a crashed run is taken over after)
   */
  holder: string | null;
  leasedUntil: Date | null;
  lastStartedAt: Date | null;
  lastFinishedAt: Date | null;
  lastDurationMs: number | null;
  /**
   * succeeded | retrying | failed
   */
  lastOutcome: string | null;
  lastError: string | null;
};
export type Site = {
  id: string;
  name: string;
  /**
   * bumped whenever any published comment of the site changes; feed caches key on it
   */
  version: Generated<number>;
  createdAt: Generated<Date>;
};
export type DB = {
  Comment: Comment;
  JobLease: JobLease;
  Outbox: Outbox;
  Page: Page;
  ProcessedMail: ProcessedMail;
  RateLimit: RateLimit;
  RebuildRequest: RebuildRequest;
  Site: Site;
};
