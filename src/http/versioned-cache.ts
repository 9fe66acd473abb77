// Response bodies computed once per version of their data, the version being read from the
// database on each request (a page's version for threads, a site's for feeds). A hit costs one
// indexed query and no rendering; every change bumps the version in the same transaction as the
// change, so several instances sharing one database never serve stale data. Bounded by total
// size, least recently used out, counting keys and per-entry overhead too: a crawler asking for
// 100,000 distinct page URLs makes 100,000 tiny bodies, whose keys and bookkeeping outweigh them.
// Version 0 means "nothing there" (no page, no published comment): such answers are cheap to
// compute and are never stored, so URLs without comments cost no memory at all.
import { createHash } from 'node:crypto';

export type Cached<Extra extends object = object> = Extra & {
  version: number;
  body: Buffer;
  etag: string;
};

export class VersionedCache<Extra extends object = object> {
  private readonly entries = new Map<string, Cached<Extra>>();
  private bytes = 0;

  constructor(private readonly maxBytes = 24 * 1024 * 1024) {}

  /** Bytes currently held, as counted against maxBytes. */
  get size(): number {
    return this.bytes;
  }

  /** Entries currently held. */
  get count(): number {
    return this.entries.size;
  }

  get(key: string, version: number): Cached<Extra> | undefined {
    const hit = this.entries.get(key);
    if (!hit || hit.version !== version) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  set(key: string, version: number, content: string, extra: Extra): Cached<Extra> {
    const body = Buffer.from(content);
    const entry = { ...extra, version, body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
    this.remove(key);
    if (version === 0) return entry;
    this.entries.set(key, entry);
    this.bytes += entryBytes(key, entry);
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.maxBytes || oldest === key) break;
      this.remove(oldest);
    }
    return entry;
  }

  private remove(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.bytes -= entryBytes(key, old);
    this.entries.delete(key);
  }
}

/**
 * What an entry costs: its body, its key and ETag (UTF-16 in the heap), and an estimate of the
 * Map slot, the Buffer and entry objects (measured at roughly 200-300 bytes in V8; 256 is used).
 */
function entryBytes(key: string, entry: Cached<object>): number {
  return entry.body.length + 2 * (key.length + entry.etag.length) + 256;
}

export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
