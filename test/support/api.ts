// Small helpers for the HTTP API tests: reading threads, checking the error shape, and posting
// from another loopback address (the whole 127.0.0.0/8 is local on Linux), so that rate limits
// can be tested with real distinct client addresses rather than a faked header.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { pageUrl, type TestApp } from './app.js';

export const commentsPath = '/api/sites/demo/comments';

export async function getThread(app: TestApp, url = pageUrl, site = 'demo'): Promise<any> {
  const res = await fetch(`${app.url}/api/sites/${site}/comments?url=${encodeURIComponent(url)}`);
  assert.equal(res.status, 200, `GET thread answered ${res.status}`);
  return res.json();
}

/** Depth-first list of a thread's comments (the read API nests replies). */
export function flatten(nodes: any[]): any[] {
  return nodes.flatMap((n) => [n, ...flatten(n.replies ?? [])]);
}

/** Asserts the documented error shape {"error": {"code", "message", "field"}} and returns it. */
export async function expectError(res: Response, status: number, code: string, field: string | null = null): Promise<any> {
  const text = await res.text();
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${text.slice(0, 300)}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const body = JSON.parse(text);
  assert.deepEqual(Object.keys(body), ['error']);
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'field', 'message']);
  assert.equal(body.error.code, code);
  assert.equal(body.error.field, field);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0, 'the message is not empty');
  return body.error;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request sent from `localAddress` (e.g. 127.0.0.2) instead of 127.0.0.1. */
export function requestFrom(
  app: TestApp,
  localAddress: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    const payload = init.body === undefined ? undefined : Buffer.from(init.body);
    const headers = { ...(payload ? { 'content-length': String(payload.length) } : {}), ...init.headers };
    const req = request(`${app.url}${path}`, { method: init.method ?? 'GET', localAddress, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A JSON POST sent from `localAddress`. */
export function postJsonFrom(app: TestApp, localAddress: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return requestFrom(app, localAddress, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/**
 * Rate limits count in fixed one-minute windows; a test that needs several posts in the same
 * window waits when fewer than `seconds` remain in the current one.
 */
export async function roomInThisMinute(seconds = 8): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < seconds * 1000) await new Promise((r) => setTimeout(r, left + 50));
}

/** Runs `fn` on every item, `size` at a time. */
export async function inChunks<T, R>(items: T[], size: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(...(await Promise.all(items.slice(i, i + size).map((item, j) => fn(item, i + j)))));
  }
  return out;
}

/** Decodes the character references mustache and markdown-it write, to compare with what was typed. */
export function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') return String.fromCodePoint(ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1)));
    return named[ref.toLowerCase()] ?? whole;
  });
}

/** The value attribute of the form input named `name`, decoded. */
export function inputValue(html: string, name: string): string | undefined {
  const tag = html.match(new RegExp(`<input[^>]*\\bname="${name}"[^>]*>`))?.[0];
  const raw = tag?.match(/\bvalue="([^"]*)"/)?.[1];
  return raw === undefined ? undefined : decodeEntities(raw);
}

/** The content of the form's textarea named `name`, decoded. */
export function textareaValue(html: string, name: string): string | undefined {
  const raw = html.match(new RegExp(`<textarea[^>]*\\bname="${name}"[^>]*>([\\s\\S]*?)</textarea>`))?.[1];
  return raw === undefined ? undefined : decodeEntities(raw);
}

/** A RawResponse as a fetch Response, to reuse expectError and friends. */
export function asResponse(raw: RawResponse): Response {
  const headers = new Headers();
  for (const [k, v] of Object.entries(raw.headers)) for (const one of [v ?? []].flat()) headers.append(k, one);
  return new Response(raw.status === 304 ? null : raw.body, { status: raw.status, headers });
}
