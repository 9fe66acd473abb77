// A reader without JavaScript on a site page that shows the thread in an <iframe> (docs/embedding.md,
// "Plain HTML"): the comments are there, nested; a link in a comment opens in the whole window,
// a relative one against the site's page; a page of another origin cannot frame the thread.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { moderateComment } from '../../src/domain/comments/moderate-comment.js';
import { postJson, startTestApp, type TestApp } from '../support/app.js';
import { freePort, launchChromium, screenshotPath } from '../support/browser.js';

// The site's pages come from a small server of the test's own, on loopback like Epistle: Chromium
// refuses a page it counts as public framing a loopback address (Local Network Access), which a
// real site and a real Epistle, both public, never meet. The same server reached by another host
// name is another origin, the one that must not frame the thread.
let site = '';
let foreign = '';
let post = '';

const framingPage = (api: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hello</title></head>
<body><h1>Hello</h1><p>A post.</p>
<iframe src="${api}/api/sites/blog/comments.html?url=${encodeURIComponent(post)}&frame=1"
        title="Comments" style="width: 100%; height: 24rem; border: 0"></iframe>
</body></html>`;

describe('the thread in an iframe, in Chromium without JavaScript', () => {
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let first = 0;
  let reply = 0;
  let pages: Server;

  before(async () => {
    const port = await freePort();
    site = `http://127.0.0.1:${port}`;
    foreign = `http://localhost:${port}`;
    post = `${site}/posts/hello/`;
    pages = createServer((req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(req.url === '/posts/other/' ? '<!doctype html><title>Other</title><h1>The other post</h1>' : framingPage(app.url));
    });
    await new Promise<void>((resolve) => pages.listen(port, '127.0.0.1', resolve));
    const [served, launched] = await Promise.allSettled([
      startTestApp((t) => {
        t.sites.blog = { name: 'Blog', origins: [site], locale: 'en', rate_limit_per_minute: 0 };
      }),
      launchChromium(),
    ]);
    if (served.status === 'fulfilled') app = served.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (served.status === 'rejected') throw served.reason;
    if (launched.status === 'rejected') throw launched.reason;
    const publish = async (fields: Record<string, unknown>) => {
      const res = await postJson(app, '/api/sites/blog/comments', { url: post, ...fields });
      const { id } = (await res.json()) as { id: number };
      await moderateComment(app.services, { commentId: id, decision: 'approve', by: 'test' });
      return id;
    };
    first = await publish({ author: 'Ann', website: 'https://ann.example', body: 'See [the other post](/posts/other/).' });
    reply = await publish({ author: 'Bob', body: 'A reply to Ann', parent: first });
    context = await browser.newContext({ javaScriptEnabled: false, locale: 'en-US', viewport: { width: 900, height: 700 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    pages?.closeAllConnections();
    await new Promise((resolve) => pages?.close(resolve));
  });

  test('the site’s page shows the thread, nested, in the frame', async () => {
    await page.goto(post);
    const frame = page.frameLocator('iframe');
    await frame.locator('.epistle-heading').waitFor();
    assert.equal(await frame.locator('.epistle-heading').innerText(), '2 comments');
    assert.equal(await frame.locator(`#epistle-comment-${first} #epistle-comment-${reply} .epistle-body`).innerText(), 'A reply to Ann');
    assert.equal(await frame.locator(`#epistle-comment-${first} > article .epistle-author`).getAttribute('href'), 'https://ann.example/');
    await page.screenshot({ path: screenshotPath('thread-frame'), fullPage: true });
  });

  test('a relative link in a comment opens the site’s page in the whole window', async () => {
    await page.goto(post);
    await Promise.all([page.waitForURL(`${site}/posts/other/`), page.frameLocator('iframe').getByText('the other post').click()]);
    assert.equal(await page.locator('h1').innerText(), 'The other post');
  });

  test('a page of another origin cannot frame the thread', async () => {
    await page.goto(`${foreign}/copy/`);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    assert.ok(frame, 'the iframe element exists');
    await page.waitForTimeout(500);
    assert.equal(await frame.locator('.epistle').count(), 0, 'the thread is not shown');
  });
});
