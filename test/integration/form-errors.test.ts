// A person who presses Send on a plain form never gets raw JSON back: every refusal of a form post
// (a foreign origin, a body too large to read, an unknown site, the rate limit, the database
// failing, a damaged body) is a page in the site's language, with the text kept wherever it could
// be read. JSON clients keep the JSON errors. A refused origin is logged with the allowed ones.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { commentsPath, decodeEntities, expectError, inputValue, textareaValue } from '../support/api.js';
import { pageUrl, postForm, postJson, startTestApp, type TestApp } from '../support/app.js';

const strings = (lng: string, ns: string) => JSON.parse(readFileSync(new URL(`../../locales/${lng}/${ns}.json`, import.meta.url), 'utf8'));
const en = { form: strings('en', 'form'), errors: strings('en', 'errors') };
const fr = { form: strings('fr', 'form'), errors: strings('fr', 'errors') };

let app: TestApp;
before(async () => {
  app = await startTestApp((t) => {
    t.stacosys = { site: 'demo' };
    t.sites.limited = { name: 'Limited', origins: ['https://limited.example'], locale: 'fr', rate_limit_per_minute: 1 };
  });
});
after(() => app.stop());

const typed = { url: pageUrl, author: 'Ann', website: 'https://ann.example', body: 'A thought\n\nthat must *not* be lost: 日本語 😀' };

/** Asserts an HTML error page: status, language, the message, and returns the HTML. */
async function errorPage(res: Response, status: number, lang: string, message: string): Promise<string> {
  const html = await res.text();
  assert.equal(res.status, status, html.slice(0, 300));
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(html, new RegExp(`<html lang="${lang}">`));
  const shown = decodeEntities(/<p id="epistle-error"[^>]*>([\s\S]*?)<\/p>/.exec(html)?.[1] ?? '');
  assert.equal(shown, message);
  assert.doesNotMatch(html, /"error":/, 'no JSON');
  return html;
}

function assertRefilled(html: string) {
  assert.equal(inputValue(html, 'url'), typed.url);
  assert.equal(inputValue(html, 'author'), typed.author);
  assert.equal(inputValue(html, 'website'), typed.website);
  assert.equal(textareaValue(html, 'body'), typed.body);
}

describe('a form post refused', () => {
  test('from an origin the site does not list: the page, the text kept, and a log line naming both', async () => {
    const res = await postForm(app, commentsPath, typed, { origin: 'http://127.0.0.1:9090' });
    const html = await errorPage(res, 403, 'en', en.form.origin_refused);
    assertRefilled(html);
    const line = app.logs.find((l) => l.origin === 'http://127.0.0.1:9090');
    assert.ok(line, 'a log line names the refused origin');
    assert.deepEqual(line.allowedOrigins, ['http://localhost:8080', 'http://127.0.0.1:8080']);
    assert.equal(line.site, 'demo');
    assert.match(String(line.msg), /add it to \[sites\.demo\] origins/);
    assert.equal((await app.services.store.listComments({ siteId: 'demo', limit: 100 })).length, 0, 'nothing stored');
  });

  test("the refilled form sent again from Epistle's own origin is accepted", async () => {
    const res = await postForm(app, commentsPath, typed, { origin: app.url });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `${pageUrl}#epistle-pending`);
    // A foreign page cannot pass itself off as Epistle: its Origin is its own.
    await expectError(await postJson(app, commentsPath, typed, { origin: 'https://evil.example' }), 403, 'origin_not_allowed');
  });

  test('too large to read: 413, a page that says so and how to get the text back', async () => {
    const big = { ...typed, body: '😀'.repeat(100_000) };
    const res = await postForm(app, commentsPath, big, { referer: `${pageUrl}?from=feed` });
    const html = await errorPage(res, 413, 'en', en.form.too_large);
    assert.ok(decodeEntities(html).includes(`<a href="${pageUrl}">${en.form.back}</a>`), 'a link back to the page it came from');
    assert.equal(inputValue(html, 'author'), undefined, 'no empty form pretending to keep the text');
    // The same post as JSON stays JSON.
    await expectError(await postJson(app, commentsPath, big), 413, 'payload_too_large');
  });

  test('to a site that does not exist: the page in the reader’s language, the text to copy', async () => {
    const res = await postForm(app, '/api/sites/nope/comments', typed, { 'accept-language': 'fr-FR,fr;q=0.9' });
    const html = await errorPage(res, 404, 'fr', fr.errors.site_not_found.replace('{{site}}', 'nope'));
    assert.equal(decodeEntities(/<textarea id="epistle-kept" readonly[^>]*>([\s\S]*?)<\/textarea>/.exec(html)?.[1] ?? ''), typed.body);
    assert.ok(decodeEntities(html).includes(fr.form.kept_text));
    assert.equal(inputValue(html, 'author'), undefined, 'no form to a site that does not exist');
  });

  test('by the rate limit: 429 with Retry-After, in the site’s language, the text kept', async () => {
    const url = 'https://limited.example/post';
    const post = () => postForm(app, '/api/sites/limited/comments', { ...typed, url });
    assert.equal((await post()).status, 303);
    const res = await post();
    assert.ok(Number(res.headers.get('retry-after')) > 0);
    const html = await errorPage(res, 429, 'fr', fr.errors.rate_limited);
    assert.equal(textareaValue(html, 'body'), typed.body);
  });

  test('when the database fails: 500, the page, the text kept; the failure is logged', async () => {
    const store = app.services.store;
    const original = store.createComment.bind(store);
    store.createComment = () => Promise.reject(new Error('connection to the database lost'));
    try {
      const res = await postForm(app, commentsPath, typed);
      const html = await errorPage(res, 500, 'en', en.errors.internal);
      assertRefilled(html);
      assert.ok(app.logs.some((l) => l.msg === 'unhandled error' && JSON.stringify(l.err).includes('connection to the database lost')));
      await expectError(await postJson(app, commentsPath, typed), 500, 'internal');
    } finally {
      store.createComment = original;
    }
  });

  test('a damaged body: 400, a page that says it could not be read', async () => {
    const res = await fetch(`${app.url}${commentsPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
      body: gzipSync('author=Ann&body=Hi').subarray(0, 12),
    });
    await errorPage(res, 400, 'en', en.form.unreadable);
  });

  test('on the Stacosys form too', async () => {
    const res = await postForm(app, '/newcomment', { url: pageUrl, author: 'Ann', message: '😀'.repeat(100_000) });
    await errorPage(res, 413, 'en', en.form.too_large);
    const refused = await postForm(app, '/newcomment', { url: pageUrl, author: '', message: 'Kept text' });
    const html = await errorPage(
      refused,
      422,
      'en',
      `${en.errors.invalid_field.replace('{{field}}', en.errors.fields.author)} ${en.errors.invalid_field_detail.author_required}`,
    );
    assert.equal(textareaValue(html, 'body'), 'Kept text');
  });
});
