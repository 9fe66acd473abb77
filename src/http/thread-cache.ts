// Serialized read-API responses, keyed by page and the page's version from the database: a hit
// costs one indexed query and no JSON work; any moderation bumps the version, so several
// instances sharing one database never serve a stale thread. Bounded, least recently used out.
import { createHash } from 'node:crypto';

export interface CachedBody {
  version: number;
  body: Buffer;
  etag: string;
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedBody>();

  constructor(private readonly maxEntries = 2000) {}

  get(key: string, version: number): CachedBody | undefined {
    const hit = this.entries.get(key);
    if (!hit || hit.version !== version) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  set(key: string, version: number, value: unknown): CachedBody {
    const body = Buffer.from(JSON.stringify(value));
    const entry = { version, body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return entry;
  }
}

export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
