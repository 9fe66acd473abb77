// What a reader (or a bot) gets back when posting a comment: refused input is named field by field
// with the documented error shape and never a 5xx; a refused form post shows the form again
// without losing what was typed and never redirects off the site; the honeypot stores nothing.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { commentsPath, decodeEntities, expectError, inputValue, textareaValue } from '../support/api.js';
import { pageUrl, postForm, postJson, publish, startTestApp, type TestApp } from '../support/app.js';

let app: TestApp;
before(async () => {
  app = await startTestApp((t) => {
    Object.assign(t.sites.demo, { max_author_length: 5, max_body_length: 20, max_email_length: 24, max_website_length: 30 });
    t.server.max_request_bytes = 4096;
  });
});
after(() => app.stop());

const post = (fields: Record<string, unknown>, headers: Record<string, string> = {}) =>
  postJson(app, commentsPath, { url: pageUrl, author: 'Ann', body: 'Hi', ...fields }, headers);

async function accepted(res: Response) {
  const text = await res.text();
  assert.equal(res.status, 202, text);
  const { id } = JSON.parse(text) as { id: number };
  const stored = await app.services.store.findComment(id);
  assert.ok(stored, 'the comment is stored');
  return stored;
}

const pendingCount = async () => (await app.services.store.listComments({ siteId: 'demo', limit: 10_000 })).length;

describe('required fields and length limits', () => {
  test('author and body are required; blank or control-only values count as missing', async () => {
    for (const author of [undefined, '', '   ', '\u0000\u0007\t\n'])
      await expectError(await post({ author }), 422, 'invalid_field', 'author');
    for (const body of [undefined, '', ' \n\r\n ', '\u0000\u0001']) await expectError(await post({ body }), 422, 'invalid_field', 'body');
  });

  test('fields must be text, not numbers, lists or objects', async () => {
    await expectError(await post({ author: 42 }), 422, 'invalid_field', 'author');
    await expectError(await post({ body: ['a'] }), 422, 'invalid_field', 'body');
    await expectError(await post({ email: { a: 1 } }), 422, 'invalid_field', 'email');
    await expectError(await post({ website: true }), 422, 'invalid_field', 'website');
  });

  test('lengths are limited by the site configuration and counted in characters', async () => {
    assert.equal((await accepted(await post({ author: 'Annie' }))).author, 'Annie');
    assert.equal((await accepted(await post({ author: '😀😀😀😀😀' }))).author, '😀😀😀😀😀');
    const tooLong = await expectError(await post({ author: 'Annies' }), 422, 'invalid_field', 'author');
    assert.match(tooLong.message, /\b5\b/, 'the message gives the limit');
    assert.equal((await accepted(await post({ body: 'x'.repeat(20) }))).body, 'x'.repeat(20));
    await expectError(await post({ body: 'x'.repeat(21) }), 422, 'invalid_field', 'body');
    await expectError(await post({ email: `${'a'.repeat(13)}@example.com` }), 422, 'invalid_field', 'email');
    await expectError(await post({ website: `https://example.com/${'a'.repeat(11)}` }), 422, 'invalid_field', 'website');
  });

  test('surrounding whitespace is trimmed and an author name is kept on one line', async () => {
    const stored = await accepted(await post({ author: '  A\n  b ', body: '\n  Hi\r\nthere  \n' }));
    assert.equal(stored.author, 'A b');
    assert.equal(stored.body, 'Hi\nthere');
  });
});

describe('page url', () => {
  test('an absolute URL on one of the site origins is stored without query or fragment', async () => {
    assert.equal(
      (await accepted(await post({ url: 'http://localhost:8080/posts/a?utm=x#comments' }))).pageUrl,
      'http://localhost:8080/posts/a',
    );
    assert.equal((await accepted(await post({ url: 'http://127.0.0.1:8080/posts/a' }))).pageUrl, 'http://127.0.0.1:8080/posts/a');
  });

  test('a path resolves against the first origin', async () => {
    assert.equal((await accepted(await post({ url: '/posts/b' }))).pageUrl, 'http://localhost:8080/posts/b');
  });

  test('a page on another origin is refused with url_not_on_site', async () => {
    for (const url of [
      'https://evil.example/demo',
      'https://localhost:8080/demo',
      'http://localhost:8081/demo',
      'http://localhost:8080@evil.example/demo',
      '/\\evil.example/demo',
    ]) {
      await expectError(await post({ url }), 422, 'url_not_on_site', 'url');
    }
  });

  test('a missing or unusable url is refused on the url field', async () => {
    for (const url of [
      undefined,
      '',
      'not a url',
      '//evil.example/demo',
      'http://localhost:8080.evil.example/demo',
      'javascript:alert(1)',
      42,
    ]) {
      const res = await post({ url });
      assert.equal(res.status, 422, `url ${String(url)}`);
      assert.equal(((await res.json()) as any).error.field, 'url');
    }
  });
});

describe('website and email', () => {
  test('a website must be http or https', async () => {
    for (const website of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,hi',
      'ftp://example.com/',
      'http://u:p@example.com/',
    ]) {
      await expectError(await post({ website }), 422, 'invalid_field', 'website');
    }
  });

  test('a website without scheme becomes https, one with http(s) is kept', async () => {
    assert.equal((await accepted(await post({ website: 'example.com' }))).website, 'https://example.com/');
    assert.equal((await accepted(await post({ website: 'http://example.com/blog' }))).website, 'http://example.com/blog');
    assert.equal((await accepted(await post({ website: 'example.com:8080/blog' }))).website, 'https://example.com:8080/blog');
    assert.equal((await accepted(await post({ website: '' }))).website, null);
  });

  test('an email must look like one; an empty one is no email', async () => {
    for (const email of ['ann', 'ann@', '@example.com', 'ann@example', 'a nn@example.com', '<ann@example.com>', 'ann@ex,ample.com']) {
      await expectError(await post({ email }), 422, 'invalid_field', 'email');
    }
    assert.equal((await accepted(await post({ email: 'ann@example.com' }))).email, 'ann@example.com');
    assert.equal((await accepted(await post({ email: '' }))).email, null);
  });
});

describe('parent', () => {
  test('a reply to an approved comment of the same page is accepted', async () => {
    const parent = await publish(app, {});
    assert.equal((await accepted(await post({ parent }))).parentId, parent);
    assert.equal((await accepted(await post({ parent: String(parent) }))).parentId, parent);
  });

  test('a pending parent, a parent on another page or a missing one is refused with parent_not_found', async () => {
    const pending = (await accepted(await post({}))).id;
    await expectError(await post({ parent: pending }), 422, 'parent_not_found', 'parent');
    const elsewhere = await publish(app, { url: 'http://localhost:8080/other' });
    await expectError(await post({ parent: elsewhere }), 422, 'parent_not_found', 'parent');
    await expectError(await post({ parent: 99_999_999 }), 422, 'parent_not_found', 'parent');
  });

  test('a parent that is not a comment id is refused on the parent field', async () => {
    for (const parent of ['abc', -1, 0, 1.5, '1e3', { id: 1 }]) await expectError(await post({ parent }), 422, 'invalid_field', 'parent');
  });
});

describe('malformed requests', () => {
  const raw = (body: string | Buffer, headers: Record<string, string>, path = commentsPath) =>
    fetch(`${app.url}${path}`, { method: 'POST', headers, body });

  test('bad JSON, or JSON that is not an object, is a 400 bad_json', async () => {
    await expectError(await raw('{"author": ', { 'content-type': 'application/json' }), 400, 'bad_json');
    for (const body of ['[]', '[{"author":"Ann"}]', '"hello"', '42', 'null']) {
      await expectError(await raw(body, { 'content-type': 'application/json' }), 400, 'bad_json');
    }
    // An empty body carries no fields: the first required one is named.
    await expectError(await raw('', { 'content-type': 'application/json' }), 422, 'invalid_field', 'url');
    await expectError(await raw('not gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' }), 400, 'bad_json');
  });

  test('a gzip-compressed JSON body is read', async () => {
    const body = gzipSync(JSON.stringify({ url: pageUrl, author: 'Zip', body: 'Hi' }));
    assert.equal((await accepted(await raw(body, { 'content-type': 'application/json', 'content-encoding': 'gzip' }))).author, 'Zip');
  });

  test('an unknown site is a 404 site_not_found', async () => {
    await expectError(await postJson(app, '/api/sites/nope/comments', { url: pageUrl, author: 'A', body: 'b' }), 404, 'site_not_found');
    await expectError(await fetch(`${app.url}/api/sites/nope/comments?url=${encodeURIComponent(pageUrl)}`), 404, 'site_not_found');
    await expectError(await fetch(`${app.url}/api/sites/nope/counts?url=${encodeURIComponent(pageUrl)}`), 404, 'site_not_found');
  });

  test('an oversized body is a 413 payload_too_large', async () => {
    await expectError(await post({ body: 'x'.repeat(5000) }), 413, 'payload_too_large');
    // A form post is answered with a page a person can read (test/integration/form-errors.test.ts).
    const form = await postForm(app, commentsPath, { url: pageUrl, author: 'A', body: 'x'.repeat(5000) });
    assert.equal(form.status, 413);
    assert.match(form.headers.get('content-type') ?? '', /^text\/html/);
    await form.text();
    const bomb = gzipSync(JSON.stringify({ url: pageUrl, author: 'A', body: 'x'.repeat(1_000_000) }));
    await expectError(await raw(bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' }), 413, 'payload_too_large');
  });

  test('a body that is neither JSON nor a form is a 415', async () => {
    await expectError(await raw('author=A&body=b', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
    await expectError(await raw('<comment/>', { 'content-type': 'application/xml' }), 415, 'unsupported_media_type');
    await expectError(await raw('{}', { 'content-type': 'application/json; charset=latin1' }), 415, 'unsupported_media_type');
    await expectError(
      await raw('{}', { 'content-type': 'application/json', 'content-encoding': 'compress' }),
      415,
      'unsupported_media_type',
    );
  });

  test('unknown or undecodable paths are a 404 in the same shape', async () => {
    await expectError(await fetch(`${app.url}/api/nothing`), 404, 'not_found');
    await expectError(await fetch(`${app.url}/api/sites/%E0%A4%A/comments?url=x`), 404, 'not_found');
  });
});

describe('honeypot', () => {
  test('a filled honeypot looks accepted but stores nothing and is logged', async () => {
    const stored = await pendingCount();
    const logged = app.logs.filter((l) => /honeypot/.test(String(l.msg))).length;
    const res = await post({ subject: 'Buy now' });
    assert.equal(res.status, 202);
    const body = (await res.json()) as any;
    assert.equal(body.status, 'pending');
    assert.ok(Number.isInteger(body.id) && body.id > 0, 'an id like a real one');
    const form = await postForm(app, commentsPath, { url: pageUrl, author: 'Bot', body: 'Spam', subject: 'x' });
    assert.equal(form.status, 303);
    assert.equal(form.headers.get('location'), `${pageUrl}#epistle-pending`);
    assert.equal(await pendingCount(), stored, 'nothing stored');
    assert.equal(app.logs.filter((l) => /honeypot/.test(String(l.msg))).length, logged + 2, 'each one is logged');
  });
});

describe('form posts without JavaScript', () => {
  test('a refused form shows the message and the form refilled, escaped, with a link back', async () => {
    const author = '<b>"A&</b>';
    const res = await postForm(app, commentsPath, {
      url: pageUrl,
      author: 'Ann',
      email: 'x"><script>',
      website: author,
      body: '</textarea><i>hi',
    });
    assert.equal(res.status, 422);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(res.headers.get('location'), null);
    const html = await res.text();
    assert.ok(html.includes('Please give a valid email address'), 'the message is shown');
    assert.equal(inputValue(html, 'author'), 'Ann');
    assert.equal(inputValue(html, 'email'), 'x"><script>');
    assert.equal(inputValue(html, 'website'), author);
    assert.equal(textareaValue(html, 'body'), '</textarea><i>hi');
    assert.ok(!html.includes('<script') && !html.includes('<b>') && !html.includes('<i>'), 'nothing typed is markup');
    const links = [...html.matchAll(/<a\s[^>]*href="([^"]*)"/g)].map((m) => decodeEntities(m[1] ?? ''));
    assert.ok(links.includes(pageUrl), `a link back to the page among ${links.join(', ')}`);
  });

  test('an author with markup is escaped in the refilled form', async () => {
    const res = await postForm(app, commentsPath, { url: pageUrl, author: '<svg onload=alert(1)>', body: 'Hi' });
    const html = await res.text();
    assert.equal(res.status, 422);
    assert.ok(html.includes('This field is limited to 5 characters.'));
    assert.equal(inputValue(html, 'author'), '<svg onload=alert(1)>');
    assert.ok(!html.includes('<svg'));
  });

  test('a form naming another site as its page is never redirected there', async () => {
    for (const url of [
      'https://evil.example/',
      '//evil.example',
      '///evil.example',
      'http://localhost:8080@evil.example',
      '/\\evil.example',
      'https:evil.example',
      'javascript:alert(1)//',
    ]) {
      const res = await postForm(app, commentsPath, { url, author: 'Ann', body: 'Hi' });
      const location = res.headers.get('location');
      assert.ok(
        location === null || new URL(location, 'http://localhost:8080').origin === 'http://localhost:8080',
        `${url} -> ${location}`,
      );
      assert.ok(res.status === 422 || (res.status === 303 && location !== null), `${url}: ${res.status}`);
      const html = await res.text();
      assert.doesNotMatch(html, /href="[^"]*evil/i, `${url}: no link to evil`);
    }
  });

  test('a good form is redirected to its page on the site, without the query', async () => {
    const res = await postForm(app, commentsPath, {
      url: 'http://localhost:8080/demo?next=https://evil.example/',
      author: 'Ann',
      body: 'Hi',
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `${pageUrl}#epistle-pending`);
  });
});
