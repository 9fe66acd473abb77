// Response bodies computed once per version of their data, the version being read from the
// database on each request (a page's version for threads, a site's for feeds). A hit costs one
// indexed query and no rendering; every change bumps the version in the same transaction as the
// change, so several instances sharing one database never serve stale data. Bounded by total
// size, least recently used out.
import { createHash } from 'node:crypto';

export type Cached<Extra extends object = object> = Extra & {
  version: number;
  body: Buffer;
  etag: string;
};

export class VersionedCache<Extra extends object = object> {
  private readonly entries = new Map<string, Cached<Extra>>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

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

export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
