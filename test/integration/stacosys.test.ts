// A site built for Stacosys switches to Epistle by changing the server address only: the same form
// post, the same JSON shapes for its comment list and count, for the site named in [stacosys].
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { moderateComment } from '../../src/domain/comments/moderate-comment.js';
import { expectError } from '../support/api.js';
import { pageUrl, postForm, publish, startTestApp, type TestApp } from '../support/app.js';

let app: TestApp;
before(async () => {
  app = await startTestApp((t) => {
    t.stacosys = { site: 'demo' };
  });
});
after(() => app.stop());

const page = (name: string) => `http://localhost:8080/stacosys/${name}`;
const newComment = (fields: Record<string, string>) =>
  postForm(app, '/newcomment', { url: page('post'), author: 'Ann', message: 'Hello', email: '', site: '', remarque: '', ...fields });
const allComments = () => app.services.store.listComments({ siteId: 'demo', limit: 10_000 });
const getJson = async (path: string) => {
  const res = await fetch(`${app.url}${path}`);
  assert.equal(res.status, 200, path);
  return res.json() as Promise<any>;
};

describe('POST /newcomment', () => {
  test('a Stacosys form post is stored as pending and redirected back with 302', async () => {
    const res = await newComment({ author: 'Ann', message: 'Hello *there*', email: 'ann@example.com', site: 'ann.example' });
    assert.equal(res.status, 302);
    const location = res.headers.get('location') ?? '';
    assert.equal(new URL(location).origin + new URL(location).pathname, page('post'));
    const [latest] = await allComments();
    assert.equal(latest?.status, 'pending');
    assert.equal(latest?.author, 'Ann');
    assert.equal(latest?.body, 'Hello *there*');
    assert.equal(latest?.email, 'ann@example.com');
    assert.equal(latest?.website, 'https://ann.example/');
    assert.equal(latest?.pageUrl, page('post'));
  });

  test('the remarque honeypot answers like success, stores nothing and is logged', async () => {
    const before = (await allComments()).length;
    const logged = app.logs.filter((l) => /honeypot/.test(String(l.msg))).length;
    const res = await newComment({ remarque: 'I am a bot' });
    assert.equal(res.status, 302);
    assert.equal((await allComments()).length, before);
    assert.equal(app.logs.filter((l) => /honeypot/.test(String(l.msg))).length, logged + 1);
  });

  test('a post without message is refused with the form page, never a 5xx', async () => {
    const res = await newComment({ message: '' });
    assert.equal(res.status, 422);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.ok((await res.text()).includes('Please write a comment.'));
  });

  test('a foreign url is refused and never redirected to', async () => {
    for (const url of ['https://evil.example/', '//evil.example/', 'http://localhost:8080@evil.example/']) {
      const res = await newComment({ url });
      assert.equal(res.status, 422, url);
      assert.equal(res.headers.get('location'), null);
    }
  });
});

describe('GET /api/comments and /api/comments/count', () => {
  test('only approved comments, in the Stacosys shape, oldest first', async () => {
    const url = page('list');
    const first = await publish(app, { url, author: 'Ann', body: 'First', email: 'ann@example.com', website: 'https://ann.example/' });
    const reply = await publish(app, { url, author: 'Bob', body: 'Reply', parent: first });
    const res = await fetch(`${app.url}/api/comments?url=${encodeURIComponent(url)}`);
    assert.ok(res.headers.get('etag'));
    const { data } = (await res.json()) as any;
    assert.equal(data.length, 2);
    const [ann, bob] = data;
    const stored = await app.services.store.findComment(first);
    assert.match(ann.avatar, /^[0-9a-f]{64}$/);
    assert.match(ann.date, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.deepEqual(ann, {
      author: 'Ann',
      content: '<p>First</p>\n',
      avatar: ann.avatar,
      date: stored?.createdAt.toISOString().slice(0, 19).replace('T', ' '),
      site: 'https://ann.example/',
    });
    assert.equal(bob.author, 'Bob');
    assert.equal(bob.site, undefined, 'no site when the author gave no website');
    assert.ok(reply > first);

    await newComment({ url, message: 'pending, not shown' });
    const spam = await publish(app, { url, body: 'spam later' });
    await moderateComment(app.services, { commentId: spam, decision: 'spam', force: true, by: 'test' });
    assert.equal((await getJson(`/api/comments?url=${encodeURIComponent(url)}`)).data.length, 2);
    assert.deepEqual(await getJson(`/api/comments/count?url=${encodeURIComponent(url)}`), { count: 2 });
  });

  test('a page without comments has an empty list and a count of 0', async () => {
    const url = encodeURIComponent(page('none'));
    assert.deepEqual(await getJson(`/api/comments?url=${url}`), { data: [] });
    assert.deepEqual(await getJson(`/api/comments/count?url=${url}`), { count: 0 });
  });

  test('the query string does not make another page', async () => {
    const url = page('query');
    await publish(app, { url });
    assert.deepEqual(await getJson(`/api/comments/count?url=${encodeURIComponent(`${url}?x=1#c`)}`), { count: 1 });
    assert.equal((await getJson(`/api/comments?url=${encodeURIComponent(`${url}?x=1`)}`)).data.length, 1);
  });

  test('a missing or foreign url is a 4xx in the error shape', async () => {
    await expectError(await fetch(`${app.url}/api/comments/count`), 422, 'invalid_field', 'url');
    await expectError(await fetch(`${app.url}/api/comments?url=https%3A%2F%2Fevil.example%2F`), 422, 'url_not_on_site', 'url');
  });
});

describe('without [stacosys]', () => {
  test('the Stacosys endpoints do not exist', async () => {
    const plain = await startTestApp();
    try {
      const res = await postForm(plain, '/newcomment', { url: pageUrl, author: 'Ann', message: 'Hi' });
      await expectError(res, 404, 'not_found');
      await expectError(await fetch(`${plain.url}/api/comments/count?url=${encodeURIComponent(pageUrl)}`), 404, 'not_found');
    } finally {
      await plain.stop();
    }
  });
});
