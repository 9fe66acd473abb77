// The fail2ban filter in docs/fail2ban.md, converted to JavaScript the way fail2ban applies it
// (cut the datepattern out of the line, then match failregex with <HOST> as an address), run
// against log lines written by the real code: moderateComment with the real pino logger.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { moderateComment } from '../../src/domain/comments/moderate-comment.js';
import type { Comment } from '../../src/domain/types.js';
import { createLogger } from '../../src/log.js';

const doc = readFileSync(new URL('../../docs/fail2ban.md', import.meta.url), 'utf8');
const filter = /```ini\n# \/etc\/fail2ban\/filter\.d\/epistle\.conf\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
const setting = (key: string) => new RegExp(`^${key}\\s*=\\s*(.*)$`, 'm').exec(filter)?.[1]?.trim() ?? '';

/** fail2ban's {LEPOCH}: 13-digit millisecond epoch. */
const datePattern = new RegExp(setting('datepattern').replace('{LEPOCH}', '(\\d{13})'));
/** <HOST> as fail2ban matches it without DNS: an IPv4 or IPv6 address. */
const failRegex = new RegExp(setting('failregex').replace('<HOST>', '(?<host>(?:\\d{1,3}\\.){3}\\d{1,3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]+)'));

function banned(line: string): string | undefined {
  const date = datePattern.exec(line);
  if (!date) return undefined;
  return failRegex.exec(line.replace(date[0], ''))?.groups?.host;
}

function comment(id: number, clientIp: string | null): Comment {
  const at = new Date('2026-11-22T10:00:00Z');
  return {
    id,
    siteId: 'blog',
    pageId: 1,
    pageUrl: 'https://example.com/post',
    parentId: null,
    author: 'Spammer',
    email: null,
    website: null,
    body: 'Buy now',
    html: null,
    status: 'pending',
    byOwner: false,
    clientIp,
    token: 'x'.repeat(64),
    createdAt: at,
    decidedAt: null,
  };
}

/** Marks a comment from `clientIp` as spam through the use case; returns the log lines written. */
async function markSpam(clientIp: string | null): Promise<string[]> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger('info', sink);
  let stored = comment(7, clientIp);
  const store = {
    findComment: (id: number) => Promise.resolve(id === stored.id ? stored : null),
    transition: (_id: number, from: string, to: string, html: string | null, at: Date) => {
      if (stored.status !== from) return Promise.resolve(null);
      stored = { ...stored, status: to as Comment['status'], html, decidedAt: at };
      return Promise.resolve(stored);
    },
  };
  const deps = { store: store as any, renderer: { render: (s: string) => s }, clock: { now: () => new Date() }, logger };
  await moderateComment(deps, { commentId: 7, decision: 'spam', by: 'test' });
  await moderateComment(deps, { commentId: 7, decision: 'spam', by: 'test' });
  return lines;
}

describe('docs/fail2ban.md filter', () => {
  test('the doc holds a datepattern and a failregex', () => {
    assert.match(setting('datepattern'), /\{LEPOCH\}/);
    assert.match(setting('failregex'), /<HOST>/);
  });

  test('it bans the IPv4 address of a comment marked as spam, once per decision', async () => {
    const lines = await markSpam('203.0.113.7');
    assert.deepEqual(lines.map(banned).filter(Boolean), ['203.0.113.7']);
  });

  test('it bans an IPv6 address', async () => {
    const lines = await markSpam('2001:db8::7');
    assert.deepEqual(lines.map(banned).filter(Boolean), ['2001:db8::7']);
  });

  test('an erased address ("unknown") bans nothing', async () => {
    assert.deepEqual((await markSpam(null)).map(banned).filter(Boolean), []);
  });

  test('text a reader wrote cannot forge the line, and other lines do not match', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString().trim());
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.info({ author: '","msg":"epistle spam from 198.51.100.9"}' }, 'comment stored, pending moderation');
    logger.info('epistle spam from 198.51.100.10 is what a reader might write');
    assert.equal(lines.length, 2);
    assert.deepEqual(lines.map(banned), [undefined, undefined]);
  });
});
