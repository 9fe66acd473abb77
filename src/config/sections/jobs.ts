// [jobs]: when each scheduled job runs (node-cron expressions, seconds field optional) and how
// long a run's database lease lasts. [retention]: what the retention, reminder and digest jobs do.
import { validateDetailed } from 'node-cron';
import { z } from 'zod';

const cronFix = 'write a cron expression of 5 fields (minute hour day month weekday) or 6 (seconds first), e.g. "17 3 * * *"';

/** A node-cron expression, checked with node-cron itself so that what passes here also schedules. */
const cron = (fallback: string) =>
  z
    .string()
    .superRefine((value, ctx) => {
      const result = validateDetailed(value);
      if (result.valid) return;
      const detail = result.errors.map((e) => e.message).join('; ');
      ctx.addIssue({ code: 'custom', message: `not a valid cron expression (${detail})`, params: { fix: cronFix } });
    })
    .default(fallback);

export const jobsSchema = z
  .object({
    enabled: z.boolean().default(true),
    imap_poll: cron('* * * * *'),
    outbox_retry: cron('*/30 * * * * *'),
    retention: cron('17 3 * * *'),
    reminders: cron('0 9 * * *'),
    digest: cron('0 8 * * *'),
    lease_seconds: z.number().int().min(10).max(86_400).default(600),
    shutdown_grace_seconds: z.number().int().min(0).max(600).default(20),
  })
  .strict();

const days = z.number().int().min(0).max(36_500);

export const retentionSchema = z
  .object({
    dropped_days: days.default(30),
    spam_days: days.default(7),
    ip_days: days.default(30),
    mail_days: days.default(90),
    pending_days: z.number().int().min(1).max(36_500).default(14),
    pending_action: z.enum(['remind', 'drop', 'none']).default('remind'),
    digest: z.boolean().default(false),
  })
  .strict();

export type JobsConfig = z.infer<typeof jobsSchema>;
export type RetentionConfig = z.infer<typeof retentionSchema>;
