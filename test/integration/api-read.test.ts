// The read API as a site's widget uses it: one page's published thread, nested and oldest first,
// with nothing private in it; counts for a list of pages; cheap revalidation with ETags that
// change as soon as a moderation decision changes what is shown, on every instance.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { moderateComment } from '../../src/domain/comments/moderate-comment.js';
import { commentsPath, expectError, flatten, getThread } from '../support/api.js';
import { postJson, publish, startTestApp, type TestApp } from '../support/app.js';

let app: TestApp;
before(async () => {
  app = await startTestApp();
});
after(() => app.stop());

const page = (name: string) => `http://localhost:8080/read/${name}`;
const decide = (id: number, decision: 'approve' | 'drop' | 'spam', force = false) =>
  moderateComment(app.services, { commentId: id, decision, by: 'test', force });

async function pending(url: string, fields: Record<string, unknown> = {}): Promise<number> {
  const res = await postJson(app, commentsPath, { url, author: 'Pat', body: 'Pending', ...fields });
  assert.equal(res.status, 202);
  return ((await res.json()) as { id: number }).id;
}

describe('a page thread', () => {
  test('replies are nested under their parent, oldest first, with the public fields only', async () => {
    const url = page('thread');
    const first = await publish(app, { url, author: 'Ann', email: ' Ann@Example.com ', website: 'example.com', body: 'First *one*' });
    const reply = await publish(app, { url, author: 'Bob', body: 'A reply', parent: first });
    const second = await publish(app, { url, author: 'Cy', body: 'Second' });
    const nested = await publish(app, { url, author: 'Di', body: 'Deeper', parent: reply });

    const res = await fetch(`${app.url}${commentsPath}?url=${encodeURIComponent(url)}`);
    const text = await res.text();
    const thread = JSON.parse(text);
    assert.equal(thread.count, 4);
    assert.deepEqual(
      thread.comments.map((c: any) => c.id),
      [first, second],
    );
    assert.deepEqual(
      thread.comments[0].replies.map((c: any) => c.id),
      [reply],
    );
    assert.deepEqual(
      thread.comments[0].replies[0].replies.map((c: any) => c.id),
      [nested],
    );

    const ann = thread.comments[0];
    assert.deepEqual(Object.keys(ann).sort(), ['author', 'avatar', 'byOwner', 'date', 'html', 'id', 'parent', 'replies', 'website']);
    assert.equal(ann.author, 'Ann');
    assert.equal(ann.parent, null);
    assert.equal(ann.website, 'https://example.com/');
    assert.equal(ann.avatar, createHash('sha256').update('ann@example.com').digest('hex'));
    assert.equal(ann.html, '<p>First <em>one</em></p>\n');
    assert.equal(ann.byOwner, false);
    assert.match(ann.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(Math.abs(Date.parse(ann.date) - Date.now()) < 60_000, 'the date is the posting time');
    assert.equal(thread.comments[0].replies[0].parent, first);
    assert.equal(thread.comments[1].avatar, null, 'no email, no avatar');

    const oldestFirst = (siblings: any[]): boolean =>
      siblings.every((c, i) => i === 0 || Date.parse(siblings[i - 1].date) <= Date.parse(c.date)) &&
      siblings.every((c) => oldestFirst(c.replies));
    assert.ok(oldestFirst(thread.comments), 'oldest first at every level');

    const stored = await app.services.store.findComment(first);
    for (const secret of [stored?.token, '127.0.0.1', 'ann@example.com', 'Ann@Example.com']) {
      assert.ok(secret && !text.includes(secret), `the response does not contain ${secret}`);
    }
    assert.doesNotMatch(text, /"(email|clientIp|token|body|status)"/);
  });

  test('a page without comments is an empty thread, not an error', async () => {
    const thread = await getThread(app, page('empty'));
    assert.equal(thread.count, 0);
    assert.deepEqual(thread.comments, []);
  });

  test('pending, dropped and spam comments never appear', async () => {
    const url = page('hidden');
    const shown = await publish(app, { url, body: 'Shown' });
    await pending(url);
    await decide(await pending(url), 'drop');
    await decide(await pending(url), 'spam');
    const later = await publish(app, { url, body: 'Approved, then spam' });
    assert.deepEqual(
      flatten((await getThread(app, url)).comments).map((c) => c.id),
      [shown, later],
    );
    await decide(later, 'spam', true);
    const thread = await getThread(app, url);
    assert.deepEqual(
      flatten(thread.comments).map((c) => c.id),
      [shown],
    );
    assert.equal(thread.count, 1);
  });

  test('the query string and #fragment do not make another page; a path names the same page', async () => {
    const url = page('normal');
    const id = await publish(app, { url: `${url}?utm_source=feed#comments` });
    for (const variant of [url, `${url}?ref=x`, `${url}#top`, '/read/normal', '/read/normal?x=1#y']) {
      assert.deepEqual(
        (await getThread(app, variant)).comments.map((c: any) => c.id),
        [id],
        variant,
      );
    }
  });

  test('a page of another origin is refused', async () => {
    await expectError(
      await fetch(`${app.url}${commentsPath}?url=${encodeURIComponent('https://evil.example/read')}`),
      422,
      'url_not_on_site',
      'url',
    );
    await expectError(await fetch(`${app.url}${commentsPath}`), 422, 'invalid_field', 'url');
  });
});

describe('counts for many pages', () => {
  test('one request answers for every url given, with 0 for pages without comments', async () => {
    const a = page('count-a');
    const b = page('count-b');
    await publish(app, { url: a });
    await publish(app, { url: a });
    await pending(a);
    await publish(app, { url: b });
    const none = page('count-none');
    const bWithQuery = `${b}?from=list`;
    const query = new URLSearchParams([
      ['url', a],
      ['url', bWithQuery],
      ['url', none],
      ['url', '/read/count-a'],
    ]).toString();
    const res = await fetch(`${app.url}/api/sites/demo/counts?${query}`);
    assert.equal(res.status, 200);
    assert.ok(res.headers.get('cache-control'), 'Cache-Control is set');
    assert.deepEqual(await res.json(), { counts: { [a]: 2, [bWithQuery]: 1, [none]: 0, '/read/count-a': 2 } });
  });

  test('counts without url, or with a foreign one, are refused', async () => {
    await expectError(await fetch(`${app.url}/api/sites/demo/counts`), 422, 'invalid_field', 'url');
    await expectError(await fetch(`${app.url}/api/sites/demo/counts?url=https%3A%2F%2Fevil.example%2F`), 422, 'url_not_on_site', 'url');
  });
});

describe('caching', () => {
  test('ETag and Cache-Control; 304 when unchanged; a new ETag once another comment is approved', async () => {
    const url = page('etag');
    const first = await publish(app, { url });
    const get = (headers: Record<string, string> = {}) => fetch(`${app.url}${commentsPath}?url=${encodeURIComponent(url)}`, { headers });

    const res = await get();
    const etag = res.headers.get('etag');
    assert.ok(etag, 'an ETag');
    assert.match(res.headers.get('cache-control') ?? '', /no-cache|max-age/);
    await res.arrayBuffer();

    const again = await get({ 'if-none-match': etag });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');

    const waiting = await pending(url);
    const stillSame = await get({ 'if-none-match': etag });
    assert.equal(stillSame.status, 304, 'a pending comment does not change what is shown');
    await stillSame.arrayBuffer();

    await decide(waiting, 'approve');
    const changed = await get({ 'if-none-match': etag });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.get('etag'), etag);
    assert.deepEqual(
      ((await changed.json()) as any).comments.map((c: any) => c.id),
      [first, waiting],
    );
  });

  test('a decision taken on another instance sharing the database shows at once here', async () => {
    const url = page('two-instances');
    const other = await startTestApp(() => {}, { database: app.db });
    try {
      const id = await pending(url);
      assert.equal((await getThread(app, url)).count, 0);
      assert.equal((await getThread(other, url)).count, 0);
      await moderateComment(other.services, { commentId: id, decision: 'approve', by: 'test' });
      assert.deepEqual(
        (await getThread(app, url)).comments.map((c: any) => c.id),
        [id],
      );
    } finally {
      await other.stop();
    }
  });
});
