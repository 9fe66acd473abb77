import type { Request, Response } from 'express';
import { etagMatches, type Cached } from './versioned-cache.js';

/** Sends a cached body with its ETag, or 304 when the client already has it. */
export function sendCached(req: Request, res: Response, entry: Cached, contentType = 'application/json; charset=utf-8'): void {
  res.setHeader('ETag', entry.etag);
  // Revalidate every time: a moderation decision must show at once, and a 304 costs little.
  res.setHeader('Cache-Control', 'public, no-cache');
  if (etagMatches(req.get('if-none-match'), entry.etag)) {
    res.status(304).end();
    return;
  }
  res.setHeader('Content-Type', contentType);
  res.end(entry.body);
}

export function queryList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

export function queryString(value: unknown): string {
  return queryList(value)[0] ?? '';
}
