// A reader on a site's page, in a real Chromium without JavaScript, presses Send on the plain form
// of docs/embedding.md and the server refuses: because the page's origin is not among the site's
// (the owner forgot it), or because the text is too large to receive. They must see a page they
// can read, in the site's language, never JSON, with their text kept where it could be read.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchChromium, screenshotPath } from '../support/browser.js';

const strings = (lng: string, ns: string) => JSON.parse(readFileSync(new URL(`../../locales/${lng}/${ns}.json`, import.meta.url), 'utf8'));
const form = strings('en', 'form');

// Pages of the owner's sites, served by the test through the browser (no second server needed).
const allowedPage = 'http://blog.test/posts/hello/';
const forgottenPage = 'http://forgotten.test/posts/hello/';

/** The no-JavaScript form as docs/embedding.md gives it, without maxlength, posting to Epistle. */
const sitePage = (api: string, url: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A post</title></head>
<body><h1>A post</h1>
<form method="post" action="${api}/api/sites/blog/comments">
  <input type="hidden" name="url" value="${url}">
  <label>Name <input name="author" required></label>
  <label>Comment <textarea name="body" required></textarea></label>
  <button>Send</button>
</form></body></html>`;

describe('form errors in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    const [served, launched] = await Promise.allSettled([
      startTestApp((t) => {
        t.sites.blog = { name: 'Blog', origins: ['http://blog.test'], locale: 'en', rate_limit_per_minute: 0 };
      }),
      launchChromium(),
    ]);
    if (served.status === 'fulfilled') app = served.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (served.status === 'rejected') throw served.reason;
    if (launched.status === 'rejected') throw launched.reason;
    context = await browser.newContext({ javaScriptEnabled: false, locale: 'en-US', viewport: { width: 900, height: 900 } });
    await context.route(/^http:\/\/(blog|forgotten)\.test\//, (route) =>
      route.fulfill({ contentType: 'text/html', body: sitePage(app.url, route.request().url()) }),
    );
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function send(author: string, body: string) {
    await page.fill('input[name=author]', author);
    await page.fill('textarea[name=body]', body);
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('button')]);
    await page.waitForLoadState();
    return response;
  }

  test('a page whose origin the site does not list: the message and the form, refilled', async () => {
    await page.goto(forgottenPage);
    const typed = 'My comment, typed\nwith care.';
    const response = await send('Ann', typed);
    assert.equal(response.status(), 403);
    assert.match((await response.allHeaders())['content-type'] ?? '', /^text\/html/);
    assert.equal(await page.title(), form.error_title);
    assert.equal((await page.locator('#epistle-error').innerText()).trim(), form.origin_refused);
    // The page address is not the site's, so there is no form to send it again: the text is kept to copy.
    assert.equal(await page.locator('#epistle-kept').inputValue(), typed);
    assert.ok(!(await page.locator('body').innerText()).includes('"error"'), 'no JSON shown');
    await page.screenshot({ path: screenshotPath('form-error-origin'), fullPage: true });
    assert.ok(app.logs.some((l) => l.origin === 'http://forgotten.test' && JSON.stringify(l.allowedOrigins) === '["http://blog.test"]'));
  });

  test('a text too large to receive: 413, a page that says so and how to get the text back', async () => {
    await page.goto(allowedPage);
    const typed = 'é'.repeat(150_000); // 900 KB once URL-encoded, more than max_request_bytes
    const response = await send('Ann', typed);
    assert.equal(response.status(), 413);
    assert.equal(await page.title(), form.error_title);
    assert.equal((await page.locator('#epistle-error').innerText()).trim(), form.too_large);
    // Chromium tells another origin only the page's origin (Referrer-Policy), so the link goes there.
    assert.equal(await page.locator('a', { hasText: form.back }).getAttribute('href'), 'http://blog.test/');
    await page.screenshot({ path: screenshotPath('form-error-too-large'), fullPage: true });
    // As the page says: the browser's Back button brings the text back.
    await page.goBack();
    assert.equal(await page.locator('textarea[name=body]').inputValue(), typed);
  });
});
