// The thread as HTML, for sites that include it at build time or show it in an <iframe> to readers
// without JavaScript: approved comments only, nested, every reader's text escaped, the site's
// language unless asked otherwise, revalidated cheaply and changed as soon as a comment is approved.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { moderateComment } from '../../src/domain/comments/moderate-comment.js';
import { commentsPath, decodeEntities, expectError } from '../support/api.js';
import { postJson, publish, startTestApp, type TestApp } from '../support/app.js';
import { elements, inertProblems } from '../support/html-inert.js';

let app: TestApp;
before(async () => {
  app = await startTestApp((table) => {
    table.sites.fr = { name: 'Blog FR', origins: ['https://fr.example'], locale: 'fr', rate_limit_per_minute: 0 };
  });
});
after(() => app.stop());

const page = (name: string) => `http://localhost:8080/html/${name}`;
const htmlPath = (url: string, extra = '', site = 'demo') => `/api/sites/${site}/comments.html?url=${encodeURIComponent(url)}${extra}`;
const getHtml = (url: string, extra = '', headers: Record<string, string> = {}) => fetch(`${app.url}${htmlPath(url, extra)}`, { headers });

async function pending(url: string, fields: Record<string, unknown> = {}): Promise<number> {
  const res = await postJson(app, commentsPath, { url, author: 'Pat', body: 'Still pending', ...fields });
  assert.equal(res.status, 202);
  return ((await res.json()) as { id: number }).id;
}

/** The ids of the comments directly in the list that starts at `from` (nesting read from the markup). */
function childIds(html: string, from: number): number[] {
  const ids: number[] = [];
  let depth = 0;
  for (const m of html.slice(from).matchAll(/<(\/?)(ol|li)\b([^>]*)>/g)) {
    if (m[1]) {
      depth -= 1;
      if (depth < 0) break;
      continue;
    }
    if (m[2] === 'li' && depth === 0) ids.push(Number(/data-epistle-id="(\d+)"/.exec(m[3] ?? '')?.[1]));
    depth += 1;
  }
  return ids;
}
const listAfter = (html: string, marker: string) => html.indexOf('>', html.indexOf(marker)) + 1;

describe('GET comments.html', () => {
  test('approved comments only, replies nested under their parent, as an HTML fragment', async () => {
    const url = page('thread');
    const first = await publish(app, { url, author: 'Ann', website: 'ann.example', body: 'First *one*' });
    const reply = await publish(app, { url, author: 'Bob', body: 'A reply', parent: first });
    const second = await publish(app, { url, author: 'Cy', body: 'Second' });
    const deeper = await publish(app, { url, author: 'Di', body: 'Deeper', parent: reply });
    await pending(url, { body: 'Not yet approved' });

    const res = await getHtml(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(
      res.headers.get('content-security-policy') ?? '',
      /default-src 'none'.*frame-ancestors http:\/\/localhost:8080 http:\/\/127\.0\.0\.1:8080/,
    );
    const html = await res.text();

    assert.match(
      html,
      /^<div class="epistle" lang="en" data-epistle-site="demo" data-epistle-url="http:\/\/localhost:8080\/html\/thread" data-epistle-total="4" data-epistle-version="\d+">/,
    );
    assert.match(html, /<h2 class="epistle-heading">4 comments<\/h2>/);
    assert.ok(!html.includes('Not yet approved'), 'a pending comment is not shown');
    assert.deepEqual(childIds(html, listAfter(html, 'class="epistle-thread"')), [first, second]);
    assert.deepEqual(
      childIds(html, html.indexOf('>', html.indexOf('class="epistle-replies"', html.indexOf(`id="epistle-comment-${first}"`))) + 1),
      [reply],
    );
    assert.deepEqual(
      childIds(html, html.indexOf('>', html.indexOf('class="epistle-replies"', html.indexOf(`id="epistle-comment-${reply}"`))) + 1),
      [deeper],
    );
    assert.ok(
      html.includes('<a class="epistle-author" href="https://ann.example/" rel="nofollow ugc noopener">Ann</a>'),
      'the author links to their website',
    );
    assert.ok(html.includes('<span class="epistle-author">Bob</span>'));
    assert.ok(html.includes('<div class="epistle-body"><p>First <em>one</em></p>\n</div>'), 'the stored HTML is inside');
  });

  test('a page without comments says so', async () => {
    const html = await (await getHtml(page('empty'))).text();
    assert.match(html, /<h2 class="epistle-heading">No comments yet<\/h2>\n<ol class="epistle-thread">\n<\/ol>/);
  });

  test('XSS payloads in names, websites and bodies stay inert', async () => {
    const url = page('xss');
    const payloads = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>', "x' onmouseover='alert(1)"];
    for (const p of payloads)
      await publish(app, { url, author: p, website: `https://example.com/${p}`, body: `${p} [x](javascript:alert(1))` });
    const html = await (await getHtml(url)).text();
    assert.doesNotMatch(html, /<script|<img|<svg/i);
    for (const e of elements(html)) {
      assert.deepEqual(
        Object.keys(e.attributes).filter((a) => a.startsWith('on')),
        [],
        `no event handler on <${e.name}>`,
      );
      assert.doesNotMatch(decodeEntities(e.attributes.href ?? ''), /^\s*javascript:/i);
    }
    const text = decodeEntities(html);
    for (const p of payloads) assert.ok(text.includes(p), `${p} is shown as text`);
    for (const body of html.matchAll(/<div class="epistle-body">([\s\S]*?)<\/div>/g)) assert.deepEqual(inertProblems(body[1] ?? ''), []);
  });

  test("the site's language by default, another with lang=, an unknown one falls back", async () => {
    const url = 'https://fr.example/article';
    const fr = decodeEntities(await (await fetch(`${app.url}${htmlPath(url, '', 'fr')}`)).text());
    assert.match(fr, /lang="fr"[\s\S]*Aucun commentaire pour l'instant/);
    const de = await (await fetch(`${app.url}${htmlPath(url, '&lang=de', 'fr')}`)).text();
    assert.match(de, /lang="de"[\s\S]*Noch keine Kommentare/);
    const en = await (await getHtml(page('empty'), '&lang=FR')).text();
    assert.match(en, /lang="fr"/);
    const unknown = await (await getHtml(page('empty'), '&lang=xx')).text();
    assert.match(unknown, /lang="en"/);
  });

  test('ETag and 304; a new body as soon as a comment is approved; not the JSON ETag', async () => {
    const url = page('etag');
    await publish(app, { url, body: 'One' });
    const res = await getHtml(url);
    const etag = res.headers.get('etag');
    assert.ok(etag);
    assert.match(res.headers.get('cache-control') ?? '', /no-cache/);
    await res.text();
    const json = await fetch(`${app.url}${commentsPath}?url=${encodeURIComponent(url)}`);
    assert.notEqual(json.headers.get('etag'), etag, 'the HTML and the JSON are different bodies');
    assert.match(json.headers.get('content-type') ?? '', /^application\/json/);
    await json.text();

    const again = await getHtml(url, '', { 'if-none-match': etag });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');

    const waiting = await pending(url, { body: 'Approved later' });
    const same = await getHtml(url, '', { 'if-none-match': etag });
    assert.equal(same.status, 304, 'a pending comment changes nothing shown');
    await same.arrayBuffer();
    await moderateComment(app.services, { commentId: waiting, decision: 'approve', by: 'test' });
    const changed = await getHtml(url, '', { 'if-none-match': etag });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.get('etag'), etag);
    const html = await changed.text();
    assert.ok(html.includes('Approved later'));
    assert.match(html, /2 comments/);
  });

  test("CORS answers the site's origins only", async () => {
    const url = page('cors');
    const allowed = await getHtml(url, '', { origin: 'http://localhost:8080' });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://localhost:8080');
    assert.match(allowed.headers.get('vary') ?? '', /Origin/);
    await allowed.text();
    const foreign = await getHtml(url, '', { origin: 'https://evil.example' });
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    await foreign.text();
  });

  test('an unknown site, a missing url or a page of another origin are refused with the API errors', async () => {
    await expectError(await fetch(`${app.url}${htmlPath(page('x'), '', 'nope')}`), 404, 'site_not_found');
    await expectError(await fetch(`${app.url}/api/sites/demo/comments.html`), 422, 'invalid_field', 'url');
    await expectError(await getHtml('https://evil.example/post'), 422, 'url_not_on_site', 'url');
  });
});

describe('GET comments.html?frame=1, for an <iframe>', () => {
  test("a whole document with the embed's stylesheet, links to the top window, framed only by the site", async () => {
    const url = page('frame');
    const id = await publish(app, { url, author: 'Eve', body: 'In a frame' });
    const res = await getHtml(url, '&frame=1');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, new RegExp(`style-src ${app.url.replace(/\./g, '\\.')};`));
    assert.match(csp, /frame-ancestors http:\/\/localhost:8080 http:\/\/127\.0\.0\.1:8080$/);
    const html = await res.text();
    assert.match(html, /^<!doctype html>\n<html lang="en">/);
    assert.ok(html.includes(`<link rel="stylesheet" href="${app.url}/embed.css">`));
    assert.ok(html.includes(`<base href="${url}" target="_top">`));
    assert.ok(html.includes(`<title>1 comment</title>`));
    assert.ok(html.includes(`id="epistle-comment-${id}"`) && html.includes('In a frame'));
    const fragment = await (await getHtml(url)).text();
    assert.ok(html.includes(fragment), 'the same fragment inside');
  });

  test('an unknown site or a page not on the site: the reason as a page a person can read', async () => {
    const unknown = await fetch(`${app.url}${htmlPath(page('x'), '&frame=1', 'nope')}`, { headers: { 'accept-language': 'de' } });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.headers.get('content-type'), 'text/html; charset=utf-8');
    const text = await unknown.text();
    assert.match(text, /^<!doctype html>\n<html lang="de">/);
    assert.ok(
      decodeEntities(text).includes('<p class="epistle-error" role="alert">Auf diesem Server gibt es keine Website „nope“.</p>'),
      text,
    );
    const foreign = await getHtml('https://evil.example/<b>', '&frame=1');
    assert.equal(foreign.status, 422);
    assert.ok((await foreign.text()).includes('This page does not belong to the site.'));
  });

  test('with [server] public_url, the stylesheet is linked there, allowed by origin', async () => {
    const other = await startTestApp((table) => (table.server.public_url = 'https://example.com/comments/'));
    try {
      const res = await fetch(`${other.url}${htmlPath(page('x'), '&frame=1')}`);
      assert.match(res.headers.get('content-security-policy') ?? '', /style-src https:\/\/example\.com;/);
      const html = await res.text();
      assert.ok(html.includes('<link rel="stylesheet" href="https://example.com/comments/embed.css">'));
    } finally {
      await other.stop();
    }
  });
});
