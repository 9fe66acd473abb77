// The embed as a reader meets it on a blog of another origin that pasted only the two-line
// snippet: the threaded thread appears (when scrolled near), a reply posts with its parent, a
// refused field shows its message beside that field with everything typed kept, the whole thing
// works with the keyboard alone, and nothing is stored in the browser unless asked.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { screenshotPath } from '../support/browser.js';
import {
  openPage,
  ownerAnswer,
  publish,
  snippetPage,
  startEmbedWorld,
  strings,
  type EmbedWorld,
  type WatchedPage,
} from '../support/embed-site.js';

// Callbacks given to page.evaluate run in the browser; this Node program has no DOM typings.
declare const document: any, window: any, localStorage: any, getComputedStyle: any;

const embed = strings('en', 'embed');
const form = strings('en', 'form');
const errors = strings('en', 'errors');

describe('the embed on a page of another origin', () => {
  let world: EmbedWorld;
  let pageUrl: string;
  const ids: Record<string, number> = {};

  before(async () => {
    world = await startEmbedWorld();
    const { app, blog } = world;
    const epistle = app.url;
    assert.notEqual(new URL(epistle).origin, blog.origin);
    pageUrl = `${blog.origin}/post/`;
    blog.pages.set('/post/', { body: snippetPage(epistle, 'blog') });
    blog.pages.set('/long/', {
      body: snippetPage(epistle, 'blog', { before: '<h1>A long post</h1><div style="height: 5000px">Long text</div>' }),
    });
    ids.ann = await publish(app, 'blog', { url: pageUrl, author: 'Ann', website: 'https://ann.example/', body: 'First **comment**' });
    ids.bob = await publish(app, 'blog', { url: pageUrl, author: 'Bob', body: 'I agree with Ann.', parent: ids.ann });
    ids.owner = await ownerAnswer(app, ids.ann, 'Thanks, Ann!');
    ids.cleo = await publish(app, 'blog', { url: pageUrl, author: 'Cleo', body: 'Another view, with a [link](https://cleo.example/).' });
  });

  after(async () => {
    await world?.stop();
  });

  async function openPost(options: Parameters<typeof openPage>[1] = {}, path = '/post/'): Promise<WatchedPage> {
    const watched = await openPage(world.browser, options);
    await watched.page.goto(`${world.blog.origin}${path}`);
    return watched;
  }

  function assertOnlyOwnServers(w: WatchedPage): void {
    const origins = new Set(w.requests.map((r) => new URL(r.url()).origin));
    assert.deepEqual([...origins].sort(), [world.blog.origin, new URL(world.app.url).origin].sort());
  }

  test('shows the threaded thread: nesting, website link, owner mark, counted heading, relative dates', async () => {
    const w = await openPost();
    const { page } = w;
    await page.locator('.epistle-comment').nth(3).waitFor();
    assert.equal(await page.locator('.epistle-heading').innerText(), embed.count_other.replace('{{count}}', '4'));
    // Bob and the owner answer Ann; Cleo is on her own.
    const underAnn = await page
      .locator(`#epistle-comment-${ids.ann} > ol.epistle-replies > li`)
      .evaluateAll((lis) => lis.map((li) => li.id));
    assert.deepEqual(underAnn, [`epistle-comment-${ids.bob}`, `epistle-comment-${ids.owner}`]);
    assert.equal(await page.locator('.epistle-thread > li').count(), 2);
    const ann = page.locator(`#epistle-comment-${ids.ann} > .epistle-card`);
    assert.equal(await ann.locator('a.epistle-author').getAttribute('href'), 'https://ann.example/');
    assert.equal(await ann.locator('a.epistle-author').getAttribute('rel'), 'nofollow ugc noopener');
    assert.equal(await ann.locator('.epistle-body strong').innerText(), 'comment');
    assert.equal(await page.locator(`#epistle-comment-${ids.bob} .epistle-author`).evaluate((e) => e.tagName), 'SPAN');
    const owner = page.locator(`#epistle-comment-${ids.owner}`);
    assert.match((await owner.getAttribute('class')) ?? '', /\bepistle-by-owner\b/);
    assert.equal(await owner.locator('.epistle-owner-badge').innerText(), embed.owner);
    assert.equal(await page.locator('.epistle-owner-badge').count(), 1);
    // Just posted: "now" or "N seconds ago", with the full date as its tooltip.
    const time = ann.locator('.epistle-date time');
    assert.match(await time.innerText(), /now|second/);
    const expectedTitle = await time.evaluate((t: any) =>
      new Intl.DateTimeFormat('en', { dateStyle: 'long', timeStyle: 'short' }).format(new Date(t.dateTime)),
    );
    assert.equal(await time.getAttribute('title'), expectedTitle);
    assert.equal(await page.locator('.epistle-reply-button').count(), 4);
    assert.equal(await page.locator('form.epistle-form').count(), 1);
    await page.screenshot({ path: screenshotPath('embed-thread-light'), fullPage: true });
    assertOnlyOwnServers(w);
    assert.deepEqual(w.problems, []);
    await w.close();
  });

  test('in dark mode the thread and the form stay readable', async () => {
    const w = await openPost({ colorScheme: 'dark' });
    await w.page.locator('.epistle-comment').nth(3).waitFor();
    const [text, background] = await w.page.locator('.epistle-submit').evaluate((b) => {
      const style = getComputedStyle(b);
      return [style.color, style.backgroundColor];
    });
    assert.notEqual(text, background);
    await w.page.screenshot({ path: screenshotPath('embed-thread-dark'), fullPage: true });
    assert.deepEqual(w.problems, []);
    await w.close();
  });

  test('loads the comments only when the thread comes near the viewport', async () => {
    const w = await openPost({}, '/long/');
    const { page } = w;
    await page.waitForLoadState('load');
    await page.waitForTimeout(500);
    const asked = () => w.requests.filter((r) => r.url().includes('/comments?')).length;
    assert.equal(asked(), 0, 'no thread request while the thread is far below');
    assert.equal(await page.locator('.epistle').count(), 0);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    // This page has no comment yet: the heading says so, and the form is there.
    await page.locator('.epistle-heading', { hasText: embed.empty }).waitFor();
    assert.equal(await page.locator('.epistle-thread > li').count(), 0);
    assert.equal(await page.locator('form.epistle-form').count(), 1);
    assert.equal(asked(), 1);
    assert.deepEqual(w.problems, []);
    await w.close();
  });

  test('Reply opens the form under the comment and posts with its parent and the page title; nothing is stored in the browser', async () => {
    const w = await openPost();
    const { page } = w;
    await page.locator(`#epistle-comment-${ids.cleo} .epistle-reply-button`).click();
    const replyForm = page.locator(`#epistle-comment-${ids.cleo} > form.epistle-form`);
    assert.equal(await replyForm.count(), 1, 'the form moved under Cleo');
    assert.equal(await replyForm.locator('.epistle-form-title').innerText(), embed.reply_to.replace('{{author}}', 'Cleo'));
    assert.equal(await page.locator(`#epistle-comment-${ids.cleo} .epistle-reply-button`).getAttribute('aria-expanded'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'author');
    await replyForm.locator('input[name=author]').fill('Dan');
    await replyForm.locator('textarea[name=body]').fill('Answering Cleo');
    await page.screenshot({ path: screenshotPath('embed-reply-form'), fullPage: true });
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST'),
      replyForm.locator('button[type=submit]').click(),
    ]);
    await page.locator('.epistle-notice', { hasText: form.pending }).waitFor();
    assert.equal(await page.locator('.epistle-notice').getAttribute('aria-live'), 'polite');
    assert.equal(await replyForm.locator('textarea[name=body]').inputValue(), '', 'the sent text is cleared');
    assert.equal(await replyForm.locator('input[name=author]').inputValue(), 'Dan', 'the name stays for the next comment');
    assert.deepEqual(
      { ...request.postDataJSON(), email: undefined, website: undefined },
      {
        url: pageUrl,
        title: 'A post',
        author: 'Dan',
        body: 'Answering Cleo',
        subject: '',
        parent: ids.cleo,
        email: undefined,
        website: undefined,
      },
    );
    const pending = await world.app.services.store.listComments({ siteId: 'blog', status: 'pending', limit: 10 });
    assert.deepEqual(
      pending.map((c) => [c.author, c.parentId, c.body]),
      [['Dan', ids.cleo, 'Answering Cleo']],
    );
    assert.deepEqual(await w.context.cookies(), []);
    assert.equal(await page.evaluate(() => localStorage.length), 0, 'nothing remembered unless asked');
    // Cancel puts the form back at the end of the thread, with the focus back on the button.
    await replyForm.locator('.epistle-cancel').click();
    assert.equal(await page.locator('.epistle > form.epistle-form').count(), 1);
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'epistle-reply-button');
    assert.deepEqual(w.problems, []);
    await w.close();
  });

  test('a refused field shows its message beside it, and everything typed is kept', async () => {
    const w = await openPost();
    const { page } = w;
    const f = page.locator('form.epistle-form');
    await f.waitFor();
    await f.locator('input[name=author]').fill('Eve');
    await f.locator('input[name=email]').fill('eve@example.test');
    await f.locator('input[name=website]').fill('javascript:alert(1)');
    const typed = 'A long thought\n\nthat must *not* be lost.';
    await f.locator('textarea[name=body]').fill(typed);
    await f.locator('button[type=submit]').click();
    const website = f.locator('input[name=website]');
    const message = f.locator('.epistle-field-website .epistle-field-error');
    await message.waitFor();
    assert.equal(
      await message.innerText(),
      `${errors.invalid_field.replace('{{field}}', errors.fields.website)} ${errors.invalid_field_detail.website}`,
    );
    assert.equal(await website.getAttribute('aria-invalid'), 'true');
    assert.ok(((await website.getAttribute('aria-describedby')) ?? '').split(' ').includes((await message.getAttribute('id')) ?? '-'));
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'website', 'the field is focused');
    assert.equal(await f.locator('textarea[name=body]').inputValue(), typed);
    assert.equal(await f.locator('input[name=author]').inputValue(), 'Eve');
    assert.equal(await f.locator('input[name=email]').inputValue(), 'eve@example.test');
    assert.equal(await website.inputValue(), 'javascript:alert(1)');
    assert.equal(await page.locator('.epistle-notice').isVisible(), false);
    await page.screenshot({ path: screenshotPath('embed-field-error'), fullPage: true });

    // Fixed, but now without a name: the name's message, and the website's is gone.
    await website.fill('eve.example');
    await f.locator('input[name=author]').fill('');
    await f.locator('button[type=submit]').click();
    await f.locator('.epistle-field-author .epistle-field-error', { hasText: errors.invalid_field_detail.author_required }).waitFor();
    assert.equal(await message.innerText(), '');
    assert.equal(await website.getAttribute('aria-invalid'), null);
    assert.equal(await f.locator('textarea[name=body]').inputValue(), typed);
    const stored = await world.app.services.store.listComments({ siteId: 'blog', status: 'pending', limit: 10 });
    assert.ok(!stored.some((c) => c.author === 'Eve'), 'nothing refused was stored');
    // The browser logs the 422 responses themselves; the embed adds nothing.
    assert.deepEqual(
      w.problems.filter((p) => !p.includes('422')),
      [],
    );
    await w.close();
  });

  test('a reader can reply with the keyboard alone (Tab, typing, Enter), with a visible focus', async () => {
    const w = await openPost();
    const { page } = w;
    await page.locator('.epistle-reply-button').first().waitFor();
    const active = () =>
      page.evaluate(() => {
        const e = document.activeElement;
        return { cls: e?.className ?? '', name: e?.getAttribute('name') ?? '', label: e?.getAttribute('aria-label') ?? '' };
      });
    const tabUntil = async (match: (a: Awaited<ReturnType<typeof active>>) => boolean) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        if (match(await active())) return;
      }
      assert.fail(`Tab never reached the element; last: ${JSON.stringify(await active())}`);
    };
    await tabUntil((a) => a.label === embed.reply_to.replace('{{author}}', 'Ann'));
    const outline = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return [s.outlineStyle, parseFloat(s.outlineWidth)] as const;
    });
    assert.notEqual(outline[0], 'none', 'the focused button shows a focus ring');
    assert.ok(outline[1] >= 2);
    await page.keyboard.press('Enter');
    assert.equal((await active()).name, 'author', 'the form opened under Ann with the focus on the name');
    await page.keyboard.type('Kim');
    await tabUntil((a) => a.name === 'body');
    await page.keyboard.type('Typed with keys only');
    await tabUntil((a) => a.cls === 'epistle-submit');
    await page.screenshot({ path: screenshotPath('embed-keyboard-focus'), fullPage: true });
    await page.keyboard.press('Enter');
    await page.locator('.epistle-notice', { hasText: form.pending }).waitFor();
    const pending = await world.app.services.store.listComments({ siteId: 'blog', status: 'pending', limit: 10 });
    assert.ok(
      pending.some((c) => c.author === 'Kim' && c.parentId === ids.ann && c.body === 'Typed with keys only'),
      JSON.stringify(pending.map((c) => [c.author, c.parentId])),
    );
    assert.deepEqual(w.problems, []);
    await w.close();
  });

  test('"remember me" keeps the name for the next visit, and only when ticked', async () => {
    const w = await openPost();
    const { page } = w;
    const f = page.locator('form.epistle-form');
    await f.locator('input[name=author]').fill('Lou');
    await f.locator('input[name=website]').fill('https://lou.example/');
    await f.locator('textarea[name=body]').fill('Remember me');
    await f.getByLabel(embed.remember).check();
    await f.locator('button[type=submit]').click();
    await page.locator('.epistle-notice', { hasText: form.pending }).waitFor();
    await page.reload();
    await f.waitFor();
    assert.equal(await f.locator('input[name=author]').inputValue(), 'Lou');
    assert.equal(await f.locator('input[name=website]').inputValue(), 'https://lou.example/');
    assert.equal(await f.getByLabel(embed.remember).isChecked(), true);
    // Unticked and sent: forgotten.
    await f.getByLabel(embed.remember).uncheck();
    await f.locator('textarea[name=body]').fill('Forget me');
    await f.locator('button[type=submit]').click();
    await page.locator('.epistle-notice', { hasText: form.pending }).waitFor();
    assert.equal(await page.evaluate(() => localStorage.length), 0);
    assert.deepEqual(w.problems, []);
    await w.close();
  });
});
