// A reader in a real Chromium uses the /demo page: the plain HTML form works without JavaScript,
// lands back on the page with the pending notice, a refused post shows the error and keeps the
// text, and an approved comment, in the server-rendered thread, shows its HTML tags as text. The
// page keeps to its own Content-Security-Policy. Screenshots go to test-results/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { moderateComment } from '../../src/domain/comments/moderate-comment.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { freePort, launchChromium, screenshotPath } from '../support/browser.js';

const locale = (ns: string) => JSON.parse(readFileSync(new URL(`../../locales/en/${ns}.json`, import.meta.url), 'utf8'));
const form = locale('form');
const errors = locale('errors');
const embed = locale('embed');

const author = 'Ann Browser';
const body = 'Hello from **Chromium**, with a tag: <b>x</b>';

describe('the demo page in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let noScript: BrowserContext;
  let page: Page;
  let demoUrl: string;

  before(async () => {
    // The form posts the page's own address, which must be one of the site's origins, and the
    // answer redirects there: so the server's origin is known before it starts.
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const [served, launched] = await Promise.allSettled([
      startTestApp((table) => {
        table.server.listen = `127.0.0.1:${port}`;
        table.sites.demo.origins = [origin];
        table.sites.demo.locale = 'en';
      }),
      launchChromium(),
    ]);
    // Keep whichever started, so that `after` stops it even when the other failed.
    if (served.status === 'fulfilled') app = served.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (served.status === 'rejected') throw served.reason;
    if (launched.status === 'rejected') throw launched.reason;
    assert.equal(app.url, origin);
    demoUrl = `${origin}/demo`;
    noScript = await browser.newContext({ javaScriptEnabled: false, locale: 'en-US', viewport: { width: 900, height: 900 } });
    page = await noScript.newPage();
    page.setDefaultTimeout(10_000);
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  test('shows the title and the form, with the honeypot and the pending notice hidden', async () => {
    await page.goto(demoUrl);
    assert.equal(await page.title(), form.demo_title);
    assert.equal(await page.locator('h1').innerText(), form.demo_title);
    for (const field of ['input[name=author]', 'input[name=email]', 'input[name=website]', 'textarea[name=body]']) {
      assert.ok(await page.locator(field).isVisible(), `${field} is visible`);
    }
    // Playwright counts an element pushed off-screen as "visible"; a person sees what is on the page.
    const honeypot = await page.locator('input[name=subject]').boundingBox();
    assert.ok(honeypot && honeypot.x + honeypot.width <= 0, `the honeypot is off the page: ${JSON.stringify(honeypot)}`);
    assert.equal(await page.locator('input[name=subject]').getAttribute('tabindex'), '-1');
    assert.equal(await page.locator('#epistle-pending').isVisible(), false);
    assert.equal(await page.locator('.epistle-comment').count(), 0);
  });

  test('a post without JavaScript lands back on the page with the pending notice', async () => {
    await page.goto(demoUrl);
    await page.fill('input[name=author]', author);
    await page.fill('textarea[name=body]', body);
    await Promise.all([page.waitForURL(`${demoUrl}#epistle-pending`), page.click('button[type=submit]')]);
    const notice = page.locator('#epistle-pending');
    assert.equal(await notice.isVisible(), true);
    assert.equal((await notice.innerText()).trim(), form.pending);
    await page.screenshot({ path: screenshotPath('demo-pending'), fullPage: true });

    const pending = await app.services.store.listComments({ siteId: 'demo', status: 'pending', limit: 10 });
    assert.deepEqual(
      pending.map((c) => [c.author, c.body, c.pageUrl]),
      [[author, body, demoUrl]],
    );
    assert.equal(await page.locator('.epistle-comment').count(), 0, 'a pending comment is not shown');
    assert.ok(!(await page.locator('body').innerText()).includes('Hello from'));
  });

  test('once approved, the comment is shown with its HTML tag as text', async () => {
    const [pending] = await app.services.store.listComments({ siteId: 'demo', status: 'pending', limit: 10 });
    assert.ok(pending);
    const outcome = await moderateComment(app.services, { commentId: pending.id, decision: 'approve', by: 'browser-test' });
    assert.equal(outcome.kind, 'applied');

    await page.goto(demoUrl);
    const comment = page.locator(`#epistle-comment-${pending.id}`);
    assert.equal(await comment.isVisible(), true);
    const text = await comment.innerText();
    assert.ok(text.includes(author), text);
    assert.ok(text.includes('with a tag: <b>x</b>'), `the tag is shown as text: ${text}`);
    assert.equal(await comment.locator('b').count(), 0, 'no <b> element from the reader');
    assert.equal(await comment.locator('strong').innerText(), 'Chromium', 'Markdown is rendered');
    assert.equal(await page.locator('#epistle-pending').isVisible(), false);
    assert.equal(await page.locator('#epistle-thread .epistle-heading').innerText(), embed.count_one.replace('{{count}}', '1'));
    await page.screenshot({ path: screenshotPath('demo-approved'), fullPage: true });
  });

  test("the browser's `required` stops a post without a name", async () => {
    await page.goto(demoUrl);
    await page.fill('textarea[name=body]', 'No name given');
    let posted = false;
    page.on('request', (r) => (posted ||= r.method() === 'POST'));
    await page.click('button[type=submit]');
    assert.equal(await page.locator('input[name=author]:invalid').count(), 1);
    // Give a navigation the chance to start; the form must still be here, unsent.
    await page.waitForTimeout(300);
    assert.equal(posted, false);
    assert.equal(page.url(), demoUrl);
    assert.equal(await page.locator('textarea[name=body]').inputValue(), 'No name given');
  });

  test('a post the server refuses shows the error page with the text kept', async () => {
    await page.goto(demoUrl);
    const typed = 'A long thought\n\nthat must *not* be lost.';
    await page.fill('textarea[name=body]', typed);
    await page.fill('input[name=website]', 'https://ann.example');
    // Spaces pass the browser's `required` check; the server finds no name.
    await page.fill('input[name=author]', '   ');
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('button[type=submit]')]);
    assert.equal(response.status(), 422);
    await page.waitForLoadState();

    const message = page.locator('#epistle-error');
    assert.equal(await message.isVisible(), true);
    const expected = `${errors.invalid_field.replace('{{field}}', errors.fields.author)} ${errors.invalid_field_detail.author_required}`;
    assert.equal((await message.innerText()).trim(), expected);
    assert.equal(await page.title(), form.error_title);
    assert.equal(await page.locator('textarea[name=body]').inputValue(), typed);
    assert.equal(await page.locator('input[name=website]').inputValue(), 'https://ann.example');
    assert.equal(await page.locator('input[name=author]').isVisible(), true);
    assert.equal(await page.locator('a', { hasText: form.back }).getAttribute('href'), demoUrl);
    await page.screenshot({ path: screenshotPath('form-error'), fullPage: true });

    const stored = await app.services.store.listComments({ siteId: 'demo', limit: 10 });
    assert.equal(stored.length, 1, 'the refused post stored nothing');
  });

  test('the page obeys its own Content-Security-Policy: served stylesheet, embed script, no violation', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 900, height: 900 } });
    try {
      const jsPage = await context.newPage();
      const violations: string[] = [];
      jsPage.on('console', (m) => {
        if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
      });
      const res = await jsPage.goto(demoUrl);
      assert.match((await res?.allHeaders())?.['content-security-policy'] ?? '', /script-src 'self'; style-src 'self'/);
      await jsPage.waitForLoadState('load');
      // demo.css applied: the page is laid out as a column.
      assert.equal(await jsPage.evaluate('getComputedStyle(document.body).maxWidth'), '672px');
      assert.equal(await jsPage.locator('section#epistle-thread[data-epistle-site=demo] > .epistle[data-epistle-version]').count(), 1);
      assert.equal(await jsPage.locator('script[src="/embed.js"][defer]').count(), 1);
      assert.deepEqual(violations, []);
    } finally {
      await context.close();
    }
  });
});
