// GET comments is answered in front of Express (src/http/fast-read.ts) for speed. A reader must
// not be able to tell: for every request shape, the answer (status, headers, body) and the access
// log line are the ones the plain Express app gives, and anything unusual is left to Express.
import assert from 'node:assert/strict';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createApp } from '../../src/http/app.js';
import type { HttpDeps } from '../../src/http/deps.js';
import { withFastCommentReads } from '../../src/http/fast-read.js';
import { createThreadReaders } from '../../src/http/routes/read-comments.js';
import { pageUrl, publish, startTestApp, type TestApp } from '../support/app.js';

let app: TestApp;
let expressOnly: string;
let fast: string;
const delegated: string[] = [];
const servers: Server[] = [];

async function listen(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

before(async () => {
  app = await startTestApp();
  const first = await publish(app, {
    author: 'Ann',
    email: 'ann@example.com',
    website: 'ann.example',
    body: 'First [link](https://a.example)',
  });
  await publish(app, { author: 'Bob', body: 'A reply', parent: first });
  const deps: HttpDeps = {
    ...app.services,
    ready: () => app.services.database.ping(),
    options: { maxRequestBytes: 65_536, trustedProxies: [], demoPage: true },
  };
  expressOnly = await listen(createApp(deps));
  const readers = createThreadReaders(deps);
  const express = createApp(deps, readers);
  fast = await listen(
    withFastCommentReads(deps, readers.json, (req, res) => {
      delegated.push(`${req.method} ${req.url}`);
      express(req, res);
    }),
  );
});

after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
  await app.stop();
});

const q = `url=${encodeURIComponent(pageUrl)}`;
let seq = 0;

/** The same request to both servers; returns both answers and the access lines they logged. */
async function both(path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  const answers = [];
  for (const base of [expressOnly, fast]) {
    const reqId = `same-${++seq}`;
    const res = await fetch(`${base}${path}`, { method: init.method ?? 'GET', headers: { 'x-request-id': reqId, ...init.headers } });
    const body = await res.text();
    const headers = [...res.headers].filter(([k]) => k !== 'date' && k !== 'x-request-id');
    assert.equal(res.headers.get('x-request-id'), reqId);
    await new Promise((resolve) => setImmediate(resolve)); // the line is written on 'finish'
    const lines = app.logs.filter((l) => l.reqId === reqId && l.msg === 'request');
    assert.equal(lines.length, 1, `one access line for ${path}`);
    const { method, path: loggedPath, status, component } = lines[0]!;
    answers.push({ status: res.status, headers, body, line: { method, loggedPath, status, component } });
  }
  return answers;
}

async function sameAnswer(path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  const [plain, quick] = await both(path, init);
  assert.deepEqual(quick, plain, `fast path differs from Express for ${init.method ?? 'GET'} ${path}`);
  return plain!;
}

describe('the read fast path answers exactly like Express', () => {
  test('a thread, with no Origin, an allowed Origin and a foreign one', async () => {
    const before = delegated.length;
    const plain = await sameAnswer(`/api/sites/demo/comments?${q}`);
    assert.equal(plain.status, 200);
    assert.equal(JSON.parse(plain.body).count, 2);
    const allowed = await sameAnswer(`/api/sites/demo/comments?${q}`, { headers: { origin: 'http://localhost:8080' } });
    assert.ok(allowed.headers.some(([k, v]) => k === 'access-control-allow-origin' && v === 'http://localhost:8080'));
    const foreign = await sameAnswer(`/api/sites/demo/comments?${q}`, { headers: { origin: 'https://evil.example' } });
    assert.ok(!foreign.headers.some(([k]) => k.startsWith('access-control-')));
    assert.equal(delegated.length, before, 'these were answered without Express');
  });

  test('revalidation: 304 for the current ETag, 200 for an old one', async () => {
    const first = await sameAnswer(`/api/sites/demo/comments?${q}`);
    const etag = first.headers.find(([k]) => k === 'etag')?.[1] ?? '';
    assert.equal((await sameAnswer(`/api/sites/demo/comments?${q}`, { headers: { 'if-none-match': etag } })).status, 304);
    assert.equal((await sameAnswer(`/api/sites/demo/comments?${q}`, { headers: { 'if-none-match': '"old"' } })).status, 200);
  });

  test('a repeated url, a path-only url and a query with other fields', async () => {
    await sameAnswer(`/api/sites/demo/comments?${q}&url=${encodeURIComponent('http://localhost:8080/other')}`);
    await sameAnswer(`/api/sites/demo/comments?url=%2Fdemo&lang=fr`);
  });

  test('errors, other methods and other spellings are left to Express', async () => {
    const before = delegated.length;
    const cases: Array<[string, { method?: string; headers?: Record<string, string> }, number]> = [
      [`/api/sites/nosuchsite/comments?${q}`, {}, 404],
      ['/api/sites/demo/comments', {}, 422],
      [`/api/sites/demo/comments?url=${encodeURIComponent('https://elsewhere.example/x')}`, {}, 422],
      [`/api/sites/demo/comments/?${q}`, {}, 200],
      [`/api/sites/DEMO/comments?${q}`, {}, 404],
      [`/api/sites/demo/comments?${q}`, { method: 'HEAD' }, 200],
      [`/api/sites/demo/comments?${q}`, { method: 'OPTIONS', headers: { origin: 'http://localhost:8080' } }, 204],
    ];
    for (const [path, init, status] of cases) {
      const answer = await sameAnswer(path, init);
      assert.equal(answer.status, status, `${init.method ?? 'GET'} ${path}`);
    }
    assert.equal(delegated.length - before, cases.length, 'each of them went to Express');
  });

  test('a thread changed by moderation is served fresh by both paths', async () => {
    const before = JSON.parse((await sameAnswer(`/api/sites/demo/comments?${q}`)).body).count;
    await publish(app, { author: 'Cy', body: 'Third' });
    const after = await sameAnswer(`/api/sites/demo/comments?${q}`);
    assert.equal(JSON.parse(after.body).count, before + 1);
  });
});
