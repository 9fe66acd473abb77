// Fixed-window rate-limit counters in the database, shared by every instance.
import type { RateLimiter } from '../domain/ports.js';
import type { Db } from './client.js';

export class PrismaRateLimiter implements RateLimiter {
  constructor(private readonly db: Db) {}

  async hit(key: string, windowMs: number, now: Date): Promise<number> {
    const windowStart = BigInt(Math.floor(now.getTime() / windowMs) * windowMs);
    const row = await this.db.rateLimit.upsert({
      where: { key_windowStart: { key, windowStart } },
      create: { key, windowStart, count: 1 },
      update: { count: { increment: 1 } },
      select: { count: true },
    });
    // Old windows are useless; clearing this key's keeps the table small without a job.
    await this.db.rateLimit.deleteMany({ where: { key, windowStart: { lt: windowStart } } });
    return row.count;
  }
}
