import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pageUrl, postForm, postJson, publish, startTestApp, type TestApp } from '../support/app.js';

describe('posting a comment', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.stop());

  test('JSON post is stored as pending and answers 202 with its id', async () => {
    const res = await postJson(app, '/api/sites/demo/comments', { url: pageUrl, author: 'Ann', body: 'Hi there' });
    assert.equal(res.status, 202);
    const body = (await res.json()) as { id: number; status: string };
    assert.equal(body.status, 'pending');
    const stored = await app.services.store.findComment(body.id);
    assert.equal(stored?.status, 'pending');
    assert.equal(stored?.author, 'Ann');
    assert.match(stored?.token ?? '', /^[0-9a-f]{64}$/);
  });

  test('a form post without JavaScript is redirected back to the page with the pending notice', async () => {
    const res = await postForm(app, '/api/sites/demo/comments', { url: pageUrl, author: 'Bo', body: 'From a form' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `${pageUrl}#epistle-pending`);
  });

  test('pending comments are not published; approved ones are', async () => {
    const before = await (await fetch(`${app.url}/api/sites/demo/comments?url=${encodeURIComponent(pageUrl)}`)).json();
    const id = await publish(app, { body: 'Visible *soon*' });
    const after = (await (await fetch(`${app.url}/api/sites/demo/comments?url=${encodeURIComponent(pageUrl)}`)).json()) as any;
    assert.equal(after.count, (before as any).count + 1);
    const shown = after.comments.find((c: any) => c.id === id);
    assert.equal(shown.html, '<p>Visible <em>soon</em></p>\n');
    assert.equal(shown.email, undefined, 'email is never published');
  });

  test('missing author is refused with a 422 naming the field', async () => {
    const res = await postJson(app, '/api/sites/demo/comments', { url: pageUrl, body: 'no name' });
    assert.equal(res.status, 422);
    const body = (await res.json()) as any;
    assert.deepEqual([body.error.code, body.error.field], ['invalid_field', 'author']);
  });
});
