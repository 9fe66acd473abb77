// The embed on the other pages a site has: an index with counts, a page under a strict
// Content-Security-Policy, a page whose thread was baked into its HTML at build time, and
// French and German sites. Screenshots of each go to test-results/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { screenshotPath } from '../support/browser.js';
import { openPage, ownerAnswer, publish, snippetPage, startEmbedWorld, strings, type EmbedWorld } from '../support/embed-site.js';

// Callbacks given to page.evaluate run in the browser; this Node program has no DOM typings.
declare const getComputedStyle: any;

const en = { embed: strings('en', 'embed'), form: strings('en', 'form') };
const count = (s: { count_one: string; count_other: string }, n: number, lang = 'en') =>
  (new Intl.PluralRules(lang).select(n) === 'one' ? s.count_one : s.count_other).replace('{{count}}', String(n));

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface Json {
  id: number;
  author: string;
  website: string | null;
  html: string;
  date: string;
  byOwner: boolean;
  replies: Json[];
}

/** The server fragment as docs/thread-markup.md writes it, built here from the JSON API's thread. */
function bake(comments: Json[], site: string, url: string, total: number): string {
  const date = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
  const item = (c: Json): string => `
    <li class="epistle-comment${c.byOwner ? ' epistle-by-owner' : ''}" id="epistle-comment-${c.id}" data-epistle-id="${c.id}">
      <article class="epistle-card">
        <header class="epistle-meta">
          ${c.website ? `<a class="epistle-author" href="${escape(c.website)}" rel="nofollow ugc noopener">${escape(c.author)}</a>` : `<span class="epistle-author">${escape(c.author)}</span>`}
          ${c.byOwner ? `<span class="epistle-owner-badge">${en.embed.owner}</span>` : ''}
          <a class="epistle-date" href="#epistle-comment-${c.id}"><time datetime="${c.date}">${date.format(new Date(c.date))} UTC</time></a>
        </header>
        <div class="epistle-body">${c.html}</div>
      </article>${c.replies.length ? `\n      <ol class="epistle-replies">${c.replies.map(item).join('')}</ol>` : ''}
    </li>`;
  return `<div class="epistle" lang="en" data-epistle-site="${site}" data-epistle-url="${escape(url)}" data-epistle-total="${total}" data-epistle-version="7">
  <h2 class="epistle-heading">${count(en.embed, total)}</h2>
  <ol class="epistle-thread">${comments.map(item).join('')}</ol>
</div>`;
}

describe('the embed on index, strict-CSP, baked and translated pages', () => {
  let world: EmbedWorld;
  let epistle: string;
  let postUrl: string;
  const ids: Record<string, number> = {};

  before(async () => {
    world = await startEmbedWorld();
    const { app, blog } = world;
    epistle = app.url;
    postUrl = `${blog.origin}/post/`;
    ids.ann = await publish(app, 'blog', { url: postUrl, author: 'Ann', website: 'https://ann.example/', body: 'First' });
    ids.bob = await publish(app, 'blog', { url: postUrl, author: 'Bob', body: 'Second, to Ann', parent: ids.ann });
    await publish(app, 'blog', { url: `${blog.origin}/second/`, author: 'Cleo', body: 'On the second post' });
    for (const [site, path] of [
      ['blogfr', '/fr/'],
      ['blogde', '/de/'],
    ] as const) {
      const url = `${blog.origin}${path}`;
      const first = await publish(app, site, { url, author: 'Zoé', website: 'https://zoe.example/', body: 'Très **bien** écrit.' });
      await publish(app, site, { url, author: 'Jürgen', body: 'Danke, sehr gut.', parent: first });
      await ownerAnswer(app, first, 'Merci / Danke !');
      blog.pages.set(path, { body: snippetPage(epistle, site, { title: site }) });
    }
  });

  after(async () => {
    await world?.stop();
  });

  test('an index page gets every count, localized, from one request', async () => {
    const { blog } = world;
    blog.pages.set('/', {
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Index</title></head><body>
<ul>
  <li><a href="/post/">A post</a> · <span id="a" data-epistle-count="/post/">comments</span></li>
  <li><a href="/post/">The same, absolute, with a fragment</a> · <span id="b" data-epistle-count="${postUrl}#epistle-thread">comments</span></li>
  <li><a href="/second/">Second</a> · <span id="c" data-epistle-count="/second/?utm=x">comments</span></li>
  <li><a href="/third/">Third</a> · <span id="d" data-epistle-count="/third/">comments</span></li>
</ul>
<script src="${epistle}/embed.js" data-epistle-site="blog" defer></script>
</body></html>`,
    });
    const w = await openPage(world.browser);
    await w.page.goto(`${blog.origin}/`);
    await w.page.locator('#d', { hasText: count(en.embed, 0) }).waitFor();
    assert.deepEqual(await w.page.locator('[data-epistle-count]').allInnerTexts(), [
      count(en.embed, 2),
      count(en.embed, 2),
      count(en.embed, 1),
      count(en.embed, 0),
    ]);
    const asked = w.requests.filter((r) => r.url().startsWith(epistle)).map((r) => new URL(r.url()).pathname);
    assert.deepEqual(
      asked.sort(),
      ['/api/sites/blog/counts', '/api/sites/blog/strings', '/embed.js'],
      'one counts request, no thread, no stylesheet',
    );
    await w.page.screenshot({ path: screenshotPath('embed-counts') });
    assert.deepEqual(w.problems, []);
    await w.close();
  });

  test('works under a strict Content-Security-Policy that allows only the Epistle origin', async () => {
    const policy = `default-src 'none'; script-src ${epistle}; style-src ${epistle}; connect-src ${epistle}`;
    world.blog.pages.set('/strict/', { headers: { 'content-security-policy': policy }, body: snippetPage(epistle, 'blog') });
    world.blog.pages.set('/strict-probe/', {
      headers: { 'content-security-policy': policy },
      body: '<!doctype html><title>probe</title><p style="color: red">x</p>',
    });
    // The probe proves the listener below sees violations at all.
    const probe = await openPage(world.browser);
    await probe.page.goto(`${world.blog.origin}/strict-probe/`);
    await probe.page.waitForTimeout(200);
    assert.ok(
      probe.problems.some((p) => p.includes('CSP violation')),
      `a violation is reported: ${JSON.stringify(probe.problems)}`,
    );
    await probe.close();

    const w = await openPage(world.browser);
    // The page is on /strict/, which has no comment of its own: show /post/'s through the option.
    world.blog.pages.set('/strict/', {
      headers: { 'content-security-policy': policy },
      body: snippetPage(epistle, 'blog').replace('data-epistle-site="blog"', `data-epistle-site="blog" data-epistle-url="${postUrl}"`),
    });
    await w.page.goto(`${world.blog.origin}/strict/`);
    await w.page.locator(`#epistle-comment-${ids.bob}`).waitFor();
    // The stylesheet applied: the honeypot is off the page, the cards have their rounded corners.
    const hp = await w.page.locator('.epistle-hp').boundingBox();
    assert.ok(hp && hp.x + hp.width <= 0, `honeypot hidden by embed.css: ${JSON.stringify(hp)}`);
    assert.notEqual(
      await w.page
        .locator('.epistle-card')
        .first()
        .evaluate((e) => getComputedStyle(e).borderTopLeftRadius),
      '0px',
    );
    await w.page.locator('.epistle-reply-button').first().click();
    await w.page.locator('input[name=author]').fill('Strict');
    await w.page.locator('textarea[name=body]').fill('Posted under a strict CSP');
    await w.page.locator('button[type=submit]').click();
    await w.page.locator('.epistle-notice', { hasText: en.form.pending }).waitFor();
    await w.page.screenshot({ path: screenshotPath('embed-strict-csp'), fullPage: true });
    assert.deepEqual(w.problems, []);
    await w.close();
  });

  test('takes over a thread baked into the page instead of rendering it again', async () => {
    const thread = (await (await fetch(`${epistle}/api/sites/blog/comments?url=${encodeURIComponent(postUrl)}`)).json()) as {
      comments: Json[];
    };
    // A comment only the baked HTML has: if the embed re-rendered from the API, it would vanish.
    const bakedOnly: Json = {
      id: 999,
      author: 'Baked <only>',
      website: null,
      html: '<p>From the build</p>\n',
      date: '2026-01-02T03:04:05.000Z',
      byOwner: false,
      replies: [],
    };
    const fragment = bake([...thread.comments, bakedOnly], 'blog', postUrl, 3);
    world.blog.pages.set('/post/', {
      body: snippetPage(epistle, 'blog').replace('></section>', `>\n${fragment}\n</section>`),
    });
    const w = await openPage(world.browser);
    await w.page.goto(postUrl);
    const form = w.page.locator('.epistle[data-epistle-version] > form.epistle-form');
    await form.waitFor();
    assert.equal(await w.page.locator('#epistle-comment-999 .epistle-author').innerText(), 'Baked <only>');
    assert.equal(await w.page.locator('.epistle-reply-button').count(), 3);
    assert.equal(await w.page.locator('.epistle').count(), 1, 'no second thread');
    assert.equal(w.requests.filter((r) => r.url().includes('/comments?')).length, 0, 'the thread was not fetched');
    // The UTC date became relative, with the full date in the reader's zone as tooltip.
    const time = w.page.locator('#epistle-comment-999 time');
    assert.match(await time.innerText(), /ago/);
    assert.ok(!(await time.innerText()).includes('UTC'));
    assert.match((await time.getAttribute('title')) ?? '', /2026/);
    await w.page.locator(`#epistle-comment-${ids.bob} .epistle-reply-button`).click();
    await w.page.locator(`#epistle-comment-${ids.bob} > form input[name=author]`).fill('Taker');
    await w.page.locator(`#epistle-comment-${ids.bob} > form textarea[name=body]`).fill('Reply on a baked thread');
    await w.page.locator(`#epistle-comment-${ids.bob} > form button[type=submit]`).click();
    await w.page.locator('.epistle-notice', { hasText: en.form.pending }).waitFor();
    const pending = await world.app.services.store.listComments({ siteId: 'blog', status: 'pending', limit: 20 });
    assert.ok(pending.some((c) => c.author === 'Taker' && c.parentId === ids.bob));
    await w.page.screenshot({ path: screenshotPath('embed-baked'), fullPage: true });
    assert.deepEqual(w.problems, []);
    await w.close();
  });

  for (const [lng, path] of [
    ['fr', '/fr/'],
    ['de', '/de/'],
  ] as const) {
    test(`a ${lng} site reads ${lng} everywhere: heading, badge, buttons, labels, dates`, async () => {
      const embed = strings(lng, 'embed');
      const form = strings(lng, 'form');
      const w = await openPage(world.browser, { locale: lng });
      await w.page.goto(`${world.blog.origin}${path}`);
      await w.page.locator('.epistle-comment').nth(2).waitFor();
      assert.equal(await w.page.locator('.epistle').getAttribute('lang'), lng);
      assert.equal(await w.page.locator('.epistle-heading').innerText(), count(embed, 3, lng));
      assert.equal(await w.page.locator('.epistle-owner-badge').innerText(), embed.owner);
      assert.deepEqual(await w.page.locator('.epistle-reply-button').allInnerTexts(), [embed.reply, embed.reply, embed.reply]);
      assert.equal(await w.page.locator('.epistle-form-title').innerText(), embed.new_comment);
      assert.equal(await w.page.locator('button[type=submit]').innerText(), form.submit);
      assert.equal(await w.page.getByLabel(form.author, { exact: true }).count(), 1);
      assert.equal(await w.page.getByLabel(embed.remember).count(), 1);
      // The tooltip is the full date in the site's language (month names differ in each).
      const time = w.page.locator('.epistle-date time').first();
      // The map callback is a parameter, not a named function: tsx would wrap that in a helper the page lacks.
      const [expected, english] = await time.evaluate(
        (t: any, l: string) =>
          [l, 'en'].map((lang) => new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short' }).format(new Date(t.dateTime))),
        lng,
      );
      assert.equal(await time.getAttribute('title'), expected);
      assert.notEqual(expected, english);
      await w.page.screenshot({ path: screenshotPath(`embed-${lng}`), fullPage: true });
      assert.deepEqual(w.problems, []);
      await w.close();
    });
  }

  test('page styles do not reach into the thread, its styles do not reach out; the canonical link names the page', async () => {
    const hostile = `<link rel="canonical" href="${postUrl}"><style>
      button { background: rgb(255, 0, 0); border: 5px dotted rgb(0, 255, 0); }
      li { list-style: square; margin: 40px; }
      p, label { text-transform: uppercase; }
      body { font-family: serif; color: rgb(40, 40, 90); }
    </style>`;
    world.blog.pages.set('/styled/', {
      body: snippetPage(epistle, 'blog', {
        head: hostile,
        before: '<button id="page-button">Page button</button><ul><li id="page-li">x</li></ul>',
      }),
    });
    const w = await openPage(world.browser);
    // A query string the canonical link does not have: the thread is still /post/'s.
    await w.page.goto(`${world.blog.origin}/styled/?utm_source=x`);
    await w.page.locator(`#epistle-comment-${ids.bob}`).waitFor();
    const style = (selector: string, ...props: string[]) =>
      w.page
        .locator(selector)
        .first()
        .evaluate((e, ps) => ps.map((p) => getComputedStyle(e).getPropertyValue(p)), props);
    // In: the reply button has the embed's look, not the page's red dotted buttons.
    const [bg, borderStyle] = await style('.epistle-reply-button', 'background-color', 'border-top-style');
    assert.notEqual(bg, 'rgb(255, 0, 0)');
    assert.notEqual(borderStyle, 'dotted');
    assert.deepEqual(await style('.epistle-comment', 'list-style-type', 'margin-top'), ['none', '0px']);
    assert.equal((await style('.epistle-form label', 'text-transform'))[0], 'none');
    // What the thread does take from the page: font and color.
    assert.deepEqual(await style('.epistle-body', 'font-family', 'color'), ['serif', 'rgb(40, 40, 90)']);
    // Out: the page's own elements keep the page's styles.
    assert.deepEqual(await style('#page-button', 'background-color', 'border-top-style'), ['rgb(255, 0, 0)', 'dotted']);
    assert.deepEqual(await style('#page-li', 'list-style-type', 'margin-top'), ['square', '40px']);
    await w.page.screenshot({ path: screenshotPath('embed-hostile-page'), fullPage: true });
    assert.deepEqual(w.problems, []);
    await w.close();
  });

  test('data-epistle-lang picks the language over the site default', async () => {
    world.blog.pages.set('/de-on-en/', {
      body: snippetPage(epistle, 'blog').replace(
        'data-epistle-site="blog"',
        `data-epistle-site="blog" data-epistle-url="${postUrl}" data-epistle-lang="de"`,
      ),
    });
    const w = await openPage(world.browser);
    await w.page.goto(`${world.blog.origin}/de-on-en/`);
    await w.page.locator('.epistle-reply-button').first().waitFor();
    const de = strings('de', 'embed');
    assert.equal(await w.page.locator('.epistle-reply-button').first().innerText(), de.reply);
    assert.equal(await w.page.locator('.epistle').getAttribute('lang'), 'de');
    assert.deepEqual(w.problems, []);
    await w.close();
  });
});
