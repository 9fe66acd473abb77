// Fixed-window rate-limit counters in the database, shared by every instance.
import { sql } from 'kysely';
import type { RateLimiter } from '../domain/ports.js';
import type { Db } from './client.js';

export class SqlRateLimiter implements RateLimiter {
  constructor(private readonly db: Db) {}

  async hit(key: string, windowMs: number, now: Date): Promise<number> {
    const windowStart = Math.floor(now.getTime() / windowMs) * windowMs;
    const row = await this.db
      .insertInto('RateLimit')
      .values({ key, windowStart, count: 1 })
      .onConflict((oc) => oc.columns(['key', 'windowStart']).doUpdateSet({ count: sql<number>`"RateLimit"."count" + 1` }))
      .returning('count')
      .executeTakeFirstOrThrow();
    // Old windows are useless; clearing this key's keeps the table small without a job. Only the
    // first hit of a window can find any, so later hits skip the statement.
    if (row.count === 1) {
      await this.db.deleteFrom('RateLimit').where('key', '=', key).where('windowStart', '<', windowStart).execute();
    }
    return row.count;
  }
}
