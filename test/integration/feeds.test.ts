// Comment feeds as a feed reader sees them: every variant (RSS, Atom, JSON Feed; site and page)
// parsed back with a real feed parser and checked field by field against the stored comments,
// conditional requests, cache invalidation by moderation, and two instances on one database.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseFeed } from '@rowanmanning/feed-parser';
import { sql } from 'kysely';
import { moderateComment, type Decision } from '../../src/domain/comments/moderate-comment.js';
import { postJson, startTestApp, type TestApp } from '../support/app.js';

const origin = 'http://localhost:8080';
const pageA = `${origin}/posts/hello/`;
const pageB = `${origin}/b/`;
const formats = ['rss', 'atom', 'json'] as const;
type Format = (typeof formats)[number];

interface Entry {
  id: string;
  title: string;
  link: string;
  content: string;
  author: string;
  published: Date;
  updated: Date | null;
}

interface ParsedFeed {
  title: string;
  self: string | null;
  home: string | null;
  language: string | null;
  entries: Entry[];
}

async function post(app: TestApp, site: string, fields: Record<string, unknown>): Promise<number> {
  const res = await postJson(app, `/api/sites/${site}/comments`, { url: pageA, author: 'Ann', body: 'Hello', ...fields });
  assert.equal(res.status, 202, await res.clone().text());
  return ((await res.json()) as { id: number }).id;
}

async function decide(app: TestApp, commentId: number, decision: Decision, force = false): Promise<void> {
  const outcome = await moderateComment(app.services, { commentId, decision, force, by: 'test' });
  assert.equal(outcome.kind, 'applied');
}

function feedPath(site: string, format: Format, page?: string): string {
  return `/api/sites/${site}/feed.${format}${page ? `?url=${encodeURIComponent(page)}` : ''}`;
}

/** Reads a feed the way a reader does; JSON Feed is checked against the JSON Feed 1.1 spec on the way. */
function parse(format: Format, text: string): ParsedFeed {
  if (format === 'json') return parseJsonFeed(text);
  const feed = parseFeed(text);
  assert.equal(feed.meta.type, format);
  return {
    title: feed.title ?? '',
    self: feed.self,
    home: feed.url,
    language: feed.language,
    entries: feed.items.map((item) => ({
      id: item.id ?? '',
      title: item.title ?? '',
      link: item.url ?? '',
      content: item.content ?? '',
      author: item.authors[0]?.name ?? '',
      published: item.published ?? new Date(NaN),
      // RSS 2.0 has no modification date; the parser repeats the publication date.
      updated: format === 'atom' ? item.updated : null,
    })),
  };
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function parseJsonFeed(text: string): ParsedFeed {
  const doc = JSON.parse(text) as Record<string, any>;
  assert.equal(doc.version, 'https://jsonfeed.org/version/1.1');
  assert.equal(typeof doc.title, 'string');
  assert.ok(Array.isArray(doc.items));
  return {
    title: doc.title,
    self: doc.feed_url ?? null,
    home: doc.home_page_url ?? null,
    language: doc.language ?? null,
    entries: (doc.items as Array<Record<string, any>>).map((item) => {
      assert.equal(typeof item.id, 'string', 'JSON Feed item ids are strings');
      assert.equal(typeof item.content_html, 'string');
      assert.match(item.date_published, rfc3339);
      assert.match(item.date_modified, rfc3339);
      assert.ok(Array.isArray(item.authors) && item.authors.length === 1, 'JSON Feed 1.1 authors');
      assert.deepEqual(item.author, item.authors[0], 'the 1.0 author field matches');
      return {
        id: item.id,
        title: item.title,
        link: item.url,
        content: item.content_html,
        author: item.authors[0].name,
        published: new Date(item.date_published),
        updated: new Date(item.date_modified),
      };
    }),
  };
}

async function fetchFeed(app: TestApp, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${app.url}${path}`, { headers });
  const text = await res.text();
  return { res, text, etag: res.headers.get('etag') ?? '' };
}

async function readFeed(app: TestApp, site: string, format: Format, page?: string): Promise<ParsedFeed & { etag: string }> {
  const { res, text, etag } = await fetchFeed(app, feedPath(site, format, page));
  assert.equal(res.status, 200, text);
  return { ...parse(format, text), etag };
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('comment feeds', () => {
  let app: TestApp;
  const ids: Record<string, number> = {};

  before(async () => {
    app = await startTestApp((t) => {
      t.feeds = { max_items: 5 };
      t.sites.fr = { name: 'Mon carnet', origins: ['http://fr.localhost:8080'], locale: 'fr', rate_limit_per_minute: 0 };
      t.sites.edge = { name: 'Edge', origins: ['http://edge.localhost:8080'], rate_limit_per_minute: 0 };
    });
    // Posted in this order, so newer comments have higher ids and later dates.
    ids.ann = await post(app, 'demo', { author: 'Ann', body: 'First *one*', title: 'Hello, world', website: 'https://ann.example' });
    ids.bo = await post(app, 'demo', { author: 'Bo', body: 'Still pending' });
    ids.cy = await post(app, 'demo', { url: pageB, author: 'Cy', body: 'On page B' });
    ids.dee = await post(app, 'demo', { author: 'Dee', body: 'Approved, then dropped' });
    ids.eve = await post(app, 'demo', { author: 'Eve', body: 'Spam' });
    ids.fay = await post(app, 'demo', { author: 'Fay', body: 'Latest **approved**' });
    for (const name of ['ann', 'cy', 'dee', 'fay']) await decide(app, ids[name]!, 'approve');
    await decide(app, ids.dee, 'drop', true); // the moderator's --force on a published comment
    await decide(app, ids.eve, 'spam');
  });
  after(() => app.stop());

  async function expected(name: string, pageTitle: string) {
    const c = await app.services.store.findComment(ids[name]!);
    assert.ok(c?.html && c.decidedAt);
    return {
      id: `tag:localhost,${day(c.createdAt)}:demo/comment/${c.id}`,
      title: `${c.author} on ${pageTitle}`,
      link: `${c.pageUrl}#comment-${c.id}`,
      content: c.html.trim(),
      author: c.author,
      published: c.createdAt,
      updated: c.decidedAt,
    };
  }

  function check(format: Format, got: Entry[], want: Array<Awaited<ReturnType<typeof expected>>>) {
    assert.deepEqual(
      got.map((e) => e.id),
      want.map((e) => e.id),
      `${format}: approved comments only, newest first`,
    );
    for (const [i, w] of want.entries()) {
      const g = got[i]!;
      assert.equal(g.title, w.title, `${format} title`);
      assert.equal(g.link, w.link, `${format} link`);
      assert.equal(g.content.trim(), w.content, `${format} content`);
      assert.equal(g.author, w.author, `${format} author`);
      // RSS dates are RFC 822, to the second.
      const precision = format === 'rss' ? 1000 : 1;
      const trunc = (d: Date) => Math.floor(d.getTime() / precision) * precision;
      assert.equal(trunc(g.published), trunc(w.published), `${format} published = createdAt`);
      if (g.updated) assert.equal(g.updated.getTime(), w.updated.getTime(), `${format} updated = decidedAt`);
    }
  }

  for (const format of formats) {
    test(`site feed (${format}) lists the approved comments of every page, newest first, field by field`, async () => {
      const feed = await readFeed(app, 'demo', format);
      assert.equal(feed.title, 'Comments on Demo');
      assert.equal(feed.self, `${app.url}/api/sites/demo/feed.${format}`);
      assert.equal(feed.home, `${origin}/`);
      if (format !== 'atom') assert.equal(feed.language, 'en');
      check(format, feed.entries, [
        await expected('fay', 'Hello, world'),
        await expected('cy', '/b/'),
        await expected('ann', 'Hello, world'),
      ]);
    });

    test(`page feed (${format}) lists that page's approved comments only`, async () => {
      const feed = await readFeed(app, 'demo', format, pageA);
      assert.equal(feed.title, 'Comments on Hello, world');
      assert.equal(feed.self, `${app.url}/api/sites/demo/feed.${format}?url=${encodeURIComponent(pageA)}`);
      assert.equal(feed.home, pageA);
      check(format, feed.entries, [await expected('fay', 'Hello, world'), await expected('ann', 'Hello, world')]);
    });
  }

  test('JSON Feed gives the content HTML exactly as stored, and the author website', async () => {
    const doc = JSON.parse((await fetchFeed(app, feedPath('demo', 'json'))).text);
    const ann = doc.items.find((i: any) => i.url.endsWith(`#comment-${ids.ann}`));
    assert.equal(ann.content_html, '<p>First <em>one</em></p>\n');
    assert.deepEqual(ann.authors, [{ name: 'Ann', url: 'https://ann.example/' }]);
  });

  test('each variant has its Content-Type, an ETag and revalidation headers', async () => {
    const types = {
      rss: 'application/rss+xml; charset=utf-8',
      atom: 'application/atom+xml; charset=utf-8',
      json: 'application/feed+json; charset=utf-8',
    };
    for (const format of formats) {
      for (const page of [undefined, pageA]) {
        const { res } = await fetchFeed(app, feedPath('demo', format, page));
        assert.equal(res.headers.get('content-type'), types[format]);
        assert.match(res.headers.get('etag') ?? '', /^"[\w-]+"$/);
        assert.equal(res.headers.get('cache-control'), 'public, no-cache');
      }
    }
  });

  test('a page with no comment yet has a valid, empty feed named by its path', async () => {
    const feed = await readFeed(app, 'demo', 'atom', `${origin}/nothing/here/`);
    assert.equal(feed.title, 'Comments on /nothing/here/');
    assert.deepEqual(feed.entries, []);
  });

  test('an unchanged feed answers 304 to If-None-Match and to If-Modified-Since', async () => {
    const path = feedPath('demo', 'rss');
    let first = await fetchFeed(app, path);
    // A change is given as Last-Modified once it is a second old (HTTP dates have 1 s precision).
    for (let i = 0; i < 20 && !first.res.headers.get('last-modified'); i++) {
      await sleep(200);
      first = await fetchFeed(app, path);
    }
    const lastModified = first.res.headers.get('last-modified');
    assert.ok(lastModified, 'Last-Modified is sent');
    const latestDecision = (await app.services.store.findComment(ids.eve!))!.decidedAt!;
    assert.ok(
      Date.parse(lastModified) >= Math.floor(latestDecision.getTime() / 1000) * 1000 - 1000,
      'Last-Modified follows the latest change',
    );

    const byEtag = await fetchFeed(app, path, { 'if-none-match': first.etag });
    assert.equal(byEtag.res.status, 304);
    assert.equal(byEtag.text, '');
    assert.equal(byEtag.etag, first.etag);

    const byDate = await fetchFeed(app, path, { 'if-modified-since': lastModified });
    assert.equal(byDate.res.status, 304);

    const older = new Date(Date.parse(lastModified) - 1000).toUTCString();
    assert.equal((await fetchFeed(app, path, { 'if-modified-since': older })).res.status, 200);
    assert.equal((await fetchFeed(app, path, { 'if-none-match': '"stale"' })).res.status, 200);
    // If-None-Match wins over If-Modified-Since.
    assert.equal((await fetchFeed(app, path, { 'if-none-match': '"stale"', 'if-modified-since': lastModified })).res.status, 200);
  });

  test('ids never change when a comment is edited or re-rendered; the feed is rebuilt only on a new version', async () => {
    const before = await Promise.all(formats.map((f) => readFeed(app, 'demo', f)));
    const db = app.services.database.db;
    const ann = await db.selectFrom('Comment').selectAll().where('id', '=', ids.ann!).executeTakeFirstOrThrow();

    // Written behind Epistle's back: no version bump, so the built feed is served as it was.
    await db.updateTable('Comment').set({ html: '<p>Edited</p>\n', updatedAt: new Date() }).where('id', '=', ann.id).execute();
    const cached = await readFeed(app, 'demo', 'json');
    assert.equal(cached.etag, before[2]!.etag);

    // An edit bumps the page and site versions, as Epistle's own writes do.
    await db
      .updateTable('Page')
      .set({ version: sql<number>`"version" + 1` })
      .where('id', '=', ann.pageId)
      .execute();
    await db
      .updateTable('Site')
      .set({ version: sql<number>`"version" + 1` })
      .where('id', '=', 'demo')
      .execute();
    const edited = await Promise.all(formats.map((f) => readFeed(app, 'demo', f)));
    for (const [i, feed] of edited.entries()) {
      assert.notEqual(feed.etag, before[i]!.etag, `${formats[i]} rebuilt`);
      assert.deepEqual(
        feed.entries.map((e) => e.id),
        before[i]!.entries.map((e) => e.id),
      );
      assert.equal(feed.entries.find((e) => e.link.endsWith(`#comment-${ann.id}`))?.content.trim(), '<p>Edited</p>');
    }

    // Re-rendered from its Markdown by a forced drop and approval: same id, new date of decision.
    await decide(app, ann.id, 'drop', true);
    await decide(app, ann.id, 'approve', true);
    const rerendered = await readFeed(app, 'demo', 'atom');
    const entry = rerendered.entries.find((e) => e.link.endsWith(`#comment-${ann.id}`));
    assert.equal(entry?.id, `tag:localhost,${day(ann.createdAt)}:demo/comment/${ann.id}`);
    assert.equal(entry.content.trim(), '<p>First <em>one</em></p>');
    assert.ok(entry.updated && entry.updated > ann.decidedAt!);
  });

  test('approving a comment changes the feed at once; a pending one does not; dropping removes it', async () => {
    const site = await fetchFeed(app, feedPath('demo', 'atom'));
    const page = await fetchFeed(app, feedPath('demo', 'rss', pageA));
    const id = await post(app, 'demo', { author: 'Gus', body: 'Newest' });
    assert.equal(
      (await fetchFeed(app, feedPath('demo', 'atom'), { 'if-none-match': site.etag })).res.status,
      304,
      'pending changes nothing',
    );

    await decide(app, id, 'approve');
    for (const [before, format, url] of [
      [site, 'atom', undefined],
      [page, 'rss', pageA],
    ] as const) {
      const after = await fetchFeed(app, feedPath('demo', format, url), { 'if-none-match': before.etag });
      assert.equal(after.res.status, 200);
      assert.notEqual(after.etag, before.etag);
      const first = parse(format, after.text).entries[0];
      assert.equal(first?.link, `${pageA}#comment-${id}`);
      assert.equal(first.title, 'Gus on Hello, world');
    }

    const approved = await fetchFeed(app, feedPath('demo', 'json'));
    await decide(app, id, 'drop', true);
    const dropped = await fetchFeed(app, feedPath('demo', 'json'), { 'if-none-match': approved.etag });
    assert.equal(dropped.res.status, 200);
    assert.ok(!parse('json', dropped.text).entries.some((e) => e.link.endsWith(`#comment-${id}`)));
  });

  test("a French site's feeds are titled in French", async () => {
    const page = 'http://fr.localhost:8080/articles/premier/';
    const id = await post(app, 'fr', { url: page, author: 'Léa', body: 'Bonjour', title: 'Premier article' });
    await decide(app, id, 'approve');
    for (const format of formats) {
      const siteFeed = await readFeed(app, 'fr', format);
      assert.equal(siteFeed.title, 'Commentaires sur Mon carnet');
      assert.equal(siteFeed.entries[0]?.title, 'Léa sur Premier article');
      if (format !== 'atom') assert.equal(siteFeed.language, 'fr');
      assert.equal((await readFeed(app, 'fr', format, page)).title, 'Commentaires sur Premier article');
    }
  });

  test('a feed lists at most [feeds] max_items comments, the newest', async () => {
    const page = 'http://edge.localhost:8080/many/';
    const posted: number[] = [];
    for (let i = 1; i <= 7; i++) {
      const id = await post(app, 'edge', { url: page, author: `Reader ${i}`, body: `Comment ${i}` });
      await decide(app, id, 'approve');
      posted.push(id);
    }
    for (const format of formats) {
      const links = (await readFeed(app, 'edge', format, page)).entries.map((e) => e.link);
      assert.deepEqual(
        links,
        posted
          .slice(-5)
          .reverse()
          .map((id) => `${page}#comment-${id}`),
      );
    }
  });

  test('names and titles that look like markup or end a CDATA section come through as text', async () => {
    const page = 'http://edge.localhost:8080/odd/';
    const author = 'Zed ]]> <b>bold</b> & ]]> "q"';
    const title = 'Tricky ]]> <i>page</i>';
    const id = await post(app, 'edge', { url: page, author, title, body: 'x ]]> y ]]> z' });
    await decide(app, id, 'approve');
    for (const format of formats) {
      const entry = (await readFeed(app, 'edge', format, page)).entries[0];
      assert.equal(entry?.title, `${author} on ${title}`, format);
      assert.equal(entry.author, author, format);
      assert.equal(entry.link, `${page}#comment-${id}`);
    }
  });

  test('an unknown site is a 404 JSON error; a page off the site is refused', async () => {
    const res = await fetch(`${app.url}/api/sites/nope/feed.rss`);
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(((await res.json()) as any).error.code, 'site_not_found');

    const off = await fetch(`${app.url}${feedPath('demo', 'atom', 'https://elsewhere.example/x')}`);
    assert.equal(off.status, 422);
    assert.equal(((await off.json()) as any).error.code, 'url_not_on_site');
  });
});

describe('comment feeds on two instances sharing one database', () => {
  let a: TestApp;
  let b: TestApp;
  const configure = (t: Record<string, any>) => {
    t.server.public_url = 'https://comments.example.test';
  };
  before(async () => {
    a = await startTestApp(configure);
    b = await startTestApp(configure, { database: a.db });
  });
  after(async () => {
    await b.stop();
    await a.stop();
  });

  test('a comment approved through one instance is in the feed the other serves', async () => {
    const first = await post(a, 'demo', { author: 'One', body: 'first' });
    await decide(a, first, 'approve');
    const onB = await readFeed(b, 'demo', 'atom');
    assert.equal(onB.self, 'https://comments.example.test/api/sites/demo/feed.atom');
    assert.deepEqual(
      onB.entries.map((e) => e.author),
      ['One'],
    );
    assert.equal((await readFeed(a, 'demo', 'atom')).etag, onB.etag, 'same data, same ETag on every instance');

    const second = await post(a, 'demo', { author: 'Two', body: 'second' });
    await decide(a, second, 'approve');
    const after = await fetchFeed(b, feedPath('demo', 'atom'), { 'if-none-match': onB.etag });
    assert.equal(after.res.status, 200, 'instance B does not answer from its old build');
    assert.deepEqual(
      parse('atom', after.text).entries.map((e) => e.author),
      ['Two', 'One'],
    );
  });
});

describe('comment feeds switched off', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp((t) => {
      t.feeds = { enabled: false };
    });
  });
  after(() => app.stop());

  test('[feeds] enabled = false answers 404 for every feed URL', async () => {
    for (const format of formats) {
      const res = await fetch(`${app.url}${feedPath('demo', format)}`);
      assert.equal(res.status, 404);
      assert.equal(((await res.json()) as any).error.code, 'not_found');
    }
  });
});
