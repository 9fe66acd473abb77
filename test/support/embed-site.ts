// What the embed's browser tests share: a blog on its own origin (a tiny static server on another
// port than Epistle), an Epistle whose sites list that origin, comments seeded through the real
// use cases, and pages opened in Chromium with every console error, page error and request kept.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { SqlInboundStore } from '../../src/db/inbound-store.js';
import { answerComment } from '../../src/domain/comments/answer-comment.js';
import { moderateComment } from '../../src/domain/comments/moderate-comment.js';
import { postJson, startTestApp, type TestApp } from './app.js';
import { buildEmbed } from './embed-build.js';
import { launchChromium } from './browser.js';

// The init script below runs in the browser; this Node program has no DOM typings.
declare const document: any;

export const strings = (lng: string, ns: 'embed' | 'form' | 'errors') =>
  JSON.parse(readFileSync(new URL(`../../locales/${lng}/${ns}.json`, import.meta.url), 'utf8'));

export interface BlogPage {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

export interface Blog {
  origin: string;
  /** path -> page; tests may add pages at any time. */
  pages: Map<string, BlogPage>;
  stop(): Promise<void>;
}

export async function startBlog(): Promise<Blog> {
  // Chromium asks every site for its icon; a 404 would be a console error on every page.
  const pages = new Map<string, BlogPage>([['/favicon.ico', { status: 204, body: '' }]]);
  const server: Server = createServer((req, res) => {
    const page = pages.get((req.url ?? '/').split('?')[0] ?? '/');
    res.writeHead(page ? (page.status ?? 200) : 404, { 'content-type': 'text/html; charset=utf-8', ...page?.headers });
    res.end(page?.body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    pages,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A page with exactly the two lines the README tells site owners to paste. */
export function snippetPage(epistle: string, site: string, options: { title?: string; head?: string; before?: string } = {}): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="color-scheme" content="light dark"><title>${options.title ?? 'A post'}</title>${options.head ?? ''}</head>
<body>${options.before ?? ''}
<section id="epistle-thread" data-epistle-site="${site}"></section>
<script src="${epistle}/embed.js" defer></script>
</body>
</html>`;
}

export interface EmbedWorld {
  app: TestApp;
  blog: Blog;
  browser: Browser;
  stop(): Promise<void>;
}

/** Epistle with sites "blog" (en), "blogfr" (fr), "blogde" (de), all on the blog's origin. */
export async function startEmbedWorld(): Promise<EmbedWorld> {
  buildEmbed();
  const blog = await startBlog();
  const started = await Promise.allSettled([
    startTestApp((table) => {
      for (const [id, locale] of [
        ['blog', 'en'],
        ['blogfr', 'fr'],
        ['blogde', 'de'],
      ] as const) {
        table.sites[id] = {
          name: `Blog ${locale}`,
          origins: [blog.origin],
          moderators: ['owner@example.test'],
          locale,
          rate_limit_per_minute: 0,
        };
      }
    }),
    launchChromium(),
  ]);
  const [app, browser] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined)) as [TestApp?, Browser?];
  const world = {
    app: app!,
    blog,
    browser: browser!,
    async stop() {
      await browser?.close();
      await app?.stop();
      await blog.stop();
    },
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await world.stop();
    throw failed.reason;
  }
  return world;
}

/** Posts through the API and approves through the use case, as a reader and a moderator would. */
export async function publish(app: TestApp, site: string, fields: Record<string, unknown>): Promise<number> {
  const res = await postJson(app, `/api/sites/${site}/comments`, fields);
  if (res.status !== 202) throw new Error(`post failed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: number };
  await moderateComment(app.services, { commentId: id, decision: 'approve', by: 'test' });
  return id;
}

/** The owner's answer, published at once as by a "reply" by email. */
export async function ownerAnswer(app: TestApp, commentId: number, text: string): Promise<number> {
  const answers = new SqlInboundStore(app.services.database.db);
  const outcome = await answerComment({ ...app.services, answers }, { commentId, text, by: 'owner@example.test' });
  if (outcome.kind !== 'answered') throw new Error(`not answered: ${outcome.kind}`);
  return outcome.answer.id;
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors, uncaught exceptions and CSP violations, as text. */
  problems: string[];
  requests: Request[];
  close(): Promise<void>;
}

export async function openPage(
  browser: Browser,
  options: { locale?: string; colorScheme?: 'light' | 'dark'; javaScriptEnabled?: boolean } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    locale: options.locale ?? 'en-US',
    colorScheme: options.colorScheme ?? 'light',
    viewport: { width: 900, height: 1000 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  const requests: Request[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r));
  // Runs before the page's scripts and outside its CSP: it only listens.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e: any) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  return { context, page, problems, requests, close: () => context.close() };
}
