// Abuse limits as a site owner relies on them: a per-address rate limit counted in the database
// (so it holds across instances), X-Forwarded-For believed only from configured proxies, and CORS
// granted only to the site's own origins. Distinct client addresses are real loopback addresses.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { asResponse, commentsPath, expectError, postJsonFrom, requestFrom, roomInThisMinute } from '../support/api.js';
import { pageUrl, postForm, postJson, startTestApp, type TestApp } from '../support/app.js';

const comment = { url: pageUrl, author: 'Ann', body: 'Hi' };

async function storedFrom(app: TestApp, ip: string): Promise<number> {
  return (await app.services.store.listComments({ limit: 10_000 })).filter((c) => c.clientIp === ip).length;
}

describe('rate limit per client address', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp((t) => {
      t.sites.demo.rate_limit_per_minute = 2;
      t.sites.open = { name: 'Open', origins: ['http://localhost:8080'], rate_limit_per_minute: 0 };
    });
  });
  after(() => app.stop());

  test('the third comment within a minute is refused with 429 and Retry-After; another address is not affected', async () => {
    await roomInThisMinute();
    assert.equal((await postJsonFrom(app, '127.0.0.2', commentsPath, comment)).status, 202);
    assert.equal((await postJsonFrom(app, '127.0.0.2', commentsPath, comment)).status, 202);
    const third = await postJsonFrom(app, '127.0.0.2', commentsPath, comment);
    await expectError(asResponse(third), 429, 'rate_limited');
    const retryAfter = Number(third.headers['retry-after']);
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${String(third.headers['retry-after'])}`);
    assert.equal(await storedFrom(app, '127.0.0.2'), 2);

    assert.equal((await postJsonFrom(app, '127.0.0.3', commentsPath, comment)).status, 202);
    assert.equal(await storedFrom(app, '127.0.0.3'), 1);
  });

  test('X-Forwarded-For is ignored when no proxy is trusted', async () => {
    await roomInThisMinute();
    for (const forwarded of ['203.0.113.1', '203.0.113.2']) {
      assert.equal((await postJsonFrom(app, '127.0.0.4', commentsPath, comment, { 'x-forwarded-for': forwarded })).status, 202);
    }
    const third = await postJsonFrom(app, '127.0.0.4', commentsPath, comment, { 'x-forwarded-for': '203.0.113.3' });
    assert.equal(third.status, 429);
    assert.equal(await storedFrom(app, '127.0.0.4'), 2, 'stored with the real peer address');
  });

  test('a refused form post gets the form page with 429 and Retry-After', async () => {
    await roomInThisMinute();
    const form = (author: string) =>
      requestFrom(app, '127.0.0.5', commentsPath, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...comment, author }).toString(),
      });
    assert.equal((await form('One')).status, 303);
    assert.equal((await form('Two')).status, 303);
    const third = await form('Three');
    assert.equal(third.status, 429);
    assert.match(String(third.headers['content-type']), /^text\/html/);
    assert.ok(third.headers['retry-after']);
    assert.ok(third.body.includes('value="Three"'), 'the form is refilled');
  });

  test('simultaneous posts on a new page are counted exactly, without a server error', async () => {
    await roomInThisMinute();
    const first = { ...comment, url: 'http://localhost:8080/simultaneous' };
    const statuses = await Promise.all(
      Array.from({ length: 8 }, () => postJsonFrom(app, '127.0.0.6', commentsPath, first).then((r) => r.status)),
    );
    assert.deepEqual(statuses.sort(), [202, 202, 429, 429, 429, 429, 429, 429]);
  });

  test('rate_limit_per_minute = 0 turns the limit off', async () => {
    for (let i = 0; i < 5; i++) {
      assert.equal(
        (await postJsonFrom(app, '127.0.0.7', '/api/sites/open/comments', { ...comment, url: 'http://localhost:8080/open' })).status,
        202,
      );
    }
  });
});

describe('rate limit behind a trusted proxy', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp((t) => {
      t.sites.demo.rate_limit_per_minute = 2;
      t.server.trusted_proxies = ['loopback'];
    });
  });
  after(() => app.stop());

  test('the X-Forwarded-For address is the one counted', async () => {
    await roomInThisMinute();
    const from = (ip: string) => postJson(app, commentsPath, comment, { 'x-forwarded-for': ip });
    assert.equal((await from('203.0.113.7')).status, 202);
    assert.equal((await from('203.0.113.7')).status, 202);
    await expectError(await from('203.0.113.7'), 429, 'rate_limited');
    assert.equal((await from('203.0.113.8')).status, 202, 'another reader behind the same proxy is not affected');
    assert.equal(await storedFrom(app, '203.0.113.7'), 2);
    assert.equal(await storedFrom(app, '127.0.0.1'), 0);
  });

  test('addresses a client prepends to X-Forwarded-For do not reset its count', async () => {
    await roomInThisMinute();
    const statuses = [];
    for (const fake of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
      statuses.push((await postJson(app, commentsPath, comment, { 'x-forwarded-for': `${fake}, 203.0.113.9` })).status);
    }
    assert.deepEqual(statuses, [202, 202, 429]);
  });
});

describe('rate limit shared by instances', () => {
  test('two instances on one database share the count', async () => {
    const first = await startTestApp((t) => {
      t.sites.demo.rate_limit_per_minute = 2;
    });
    const second = await startTestApp(
      (t) => {
        t.sites.demo.rate_limit_per_minute = 2;
      },
      { database: first.db },
    );
    try {
      await roomInThisMinute();
      assert.equal((await postJsonFrom(first, '127.0.0.8', commentsPath, comment)).status, 202);
      assert.equal((await postJsonFrom(second, '127.0.0.8', commentsPath, comment)).status, 202);
      assert.equal((await postJsonFrom(first, '127.0.0.8', commentsPath, comment)).status, 429);
      assert.equal((await postJsonFrom(second, '127.0.0.8', commentsPath, comment)).status, 429);
    } finally {
      await second.stop();
      await first.stop();
    }
  });
});

describe('CORS', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.stop());

  const read = (origin: string, path = `${commentsPath}?url=${encodeURIComponent(pageUrl)}`) =>
    fetch(`${app.url}${path}`, { headers: { origin } });
  const preflight = (origin: string) =>
    fetch(`${app.url}${commentsPath}`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
  const varies = (res: Response) => (res.headers.get('vary') ?? '').split(',').map((v) => v.trim().toLowerCase());

  test("the site's origins get Access-Control-Allow-Origin echoing them, with Vary: Origin", async () => {
    for (const origin of ['http://localhost:8080', 'http://127.0.0.1:8080']) {
      for (const path of [
        `${commentsPath}?url=${encodeURIComponent(pageUrl)}`,
        `/api/sites/demo/counts?url=${encodeURIComponent(pageUrl)}`,
      ]) {
        const res = await read(origin, path);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('access-control-allow-origin'), origin);
        assert.ok(varies(res).includes('origin'));
      }
    }
    const res = await postJson(app, commentsPath, comment, { origin: 'http://localhost:8080' });
    assert.equal(res.status, 202);
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:8080');
  });

  test('their preflight is answered', async () => {
    const res = await preflight('http://localhost:8080');
    assert.ok(res.status === 204 || res.status === 200, String(res.status));
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:8080');
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /content-type/i);
  });

  test('a foreign origin gets no CORS headers, its preflight and its posts are refused', async () => {
    for (const origin of ['https://evil.example', 'http://localhost:8081', 'https://localhost:8080', 'null']) {
      const res = await read(origin);
      assert.equal(res.status, 200, 'a plain read still works (the browser hides it)');
      assert.equal(res.headers.get('access-control-allow-origin'), null);
      assert.ok(varies(res).includes('origin'));

      const pre = await preflight(origin);
      assert.equal(pre.headers.get('access-control-allow-origin'), null);
      await expectError(pre, 403, 'origin_not_allowed');

      const before = (await app.services.store.listComments({ limit: 10_000 })).length;
      const posted = await postJson(app, commentsPath, comment, { origin });
      assert.equal(posted.headers.get('access-control-allow-origin'), null);
      await expectError(posted, 403, 'origin_not_allowed');
      const form = await postForm(app, commentsPath, comment, { origin });
      assert.equal(form.status, 403);
      assert.equal(form.headers.get('location'), null);
      assert.equal((await app.services.store.listComments({ limit: 10_000 })).length, before, 'nothing stored');
    }
  });

  test('a post without Origin (curl, a server) is accepted', async () => {
    assert.equal((await postJson(app, commentsPath, comment)).status, 202);
  });
});
