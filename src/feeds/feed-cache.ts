// Rendered feeds, keyed by feed (format, site, page, self link) and the site's version from the
// database: a hit costs one indexed query and no rendering; any change to the site's published
// comments bumps the version in the same transaction, so several instances sharing one database
// never serve a stale feed. Bounded by total size, least recently used out.
import { createHash } from 'node:crypto';

export interface CachedFeed {
  version: number;
  body: Buffer;
  etag: string;
  /** The latest change to the comments in scope (Last-Modified), null when none. */
  lastChange: Date | null;
}

export class FeedCache {
  private readonly entries = new Map<string, CachedFeed>();
  private bytes = 0;

  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  get(key: string, version: number): CachedFeed | undefined {
    const hit = this.entries.get(key);
    if (!hit || hit.version !== version) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  set(key: string, version: number, text: string, lastChange: Date | null): CachedFeed {
    const body = Buffer.from(text);
    const entry = { version, body, etag: `"${createHash('sha1').update(body).digest('base64url')}"`, lastChange };
    this.remove(key);
    this.entries.set(key, entry);
    this.bytes += body.length;
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.maxBytes || oldest === key) break;
      this.remove(oldest);
    }
    return entry;
  }

  private remove(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.bytes -= old.body.length;
    this.entries.delete(key);
  }
}
