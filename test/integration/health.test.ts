// What a load balancer or an orchestrator probes: /healthz says the process serves HTTP, /readyz
// says it can also reach its database, and stops saying so once the database is gone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.js';

describe('health and readiness', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.stop());

  test('/healthz answers 200 and every answer carries a request id', async () => {
    const res = await fetch(`${app.url}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
    assert.match(res.headers.get('x-request-id') ?? '', /^[\w.-]{1,64}$/);
  });

  test('a sane X-Request-Id from a proxy is kept and logged; a hostile one is replaced', async () => {
    const kept = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'proxy-123.abc' } });
    assert.equal(kept.headers.get('x-request-id'), 'proxy-123.abc');
    assert.ok(app.logs.some((l) => l.reqId === 'proxy-123.abc' && l.path === '/healthz'));
    const replaced = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'a b\u00e9"<script>' } });
    assert.notEqual(replaced.headers.get('x-request-id'), 'a b\u00e9"<script>');
    assert.match(replaced.headers.get('x-request-id') ?? '', /^[\w.-]{1,64}$/);
  });

  test('/readyz answers 200 while the database answers, 503 once it is closed; /healthz stays 200', async () => {
    const ready = await fetch(`${app.url}/readyz`);
    assert.equal(ready.status, 200);
    await ready.arrayBuffer();

    await app.services.database.close();
    const gone = await fetch(`${app.url}/readyz`);
    assert.equal(gone.status, 503);
    assert.deepEqual(await gone.json(), { status: 'unavailable' });
    assert.equal((await fetch(`${app.url}/healthz`)).status, 200);
  });
});
