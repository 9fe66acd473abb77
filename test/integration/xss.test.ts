// Script injection through a comment must not work: the Markdown a reader writes becomes HTML
// that a site can insert as is, and names typed by readers are escaped on Epistle's own pages.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { moderateComment } from '../../src/domain/comments/moderate-comment.js';
import { commentsPath, decodeEntities, flatten, getThread, inChunks, inputValue } from '../support/api.js';
import { pageUrl, postForm, postJson, publish, startTestApp, type TestApp } from '../support/app.js';
import { elements, expectedRel, inertProblems } from '../support/html-inert.js';

let app: TestApp;
before(async () => {
  app = await startTestApp();
});
after(() => app.stop());

/** Publishes each body on its own page area and returns the rendered HTML, by body. */
async function rendered(bodies: string[], url: string): Promise<Map<string, string>> {
  const ids = await inChunks(bodies, 10, async (body) => {
    const res = await postJson(app, commentsPath, { url, author: 'Mallory', body });
    assert.equal(res.status, 202, `${JSON.stringify(body)}: ${res.status}`);
    const { id } = (await res.json()) as { id: number };
    await moderateComment(app.services, { commentId: id, decision: 'approve', by: 'test' });
    return id;
  });
  const byId = new Map(flatten((await getThread(app, url)).comments).map((c) => [c.id, c.html as string]));
  return new Map(bodies.map((b, i) => [b, byId.get(ids[i] ?? -1) ?? 'missing']));
}

const exact: Array<[string, string]> = [
  ['<script>alert(1)</script>', '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n'],
  ['<img src=x onerror=alert(1)>', '<p>&lt;img src=x onerror=alert(1)&gt;</p>\n'],
  ['[x](javascript:alert(1))', '<p>[x](javascript:alert(1))</p>\n'],
  ['[x](JAVASCRIPT:alert(1))', '<p>[x](JAVASCRIPT:alert(1))</p>\n'],
  [
    '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '<p>[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)</p>\n',
  ],
  ['<a href="javascript:alert(1)">x</a>', '<p>&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;</p>\n'],
  ['<javascript:alert(1)>', '<p>&lt;javascript:alert(1)&gt;</p>\n'],
  ['<svg onload=alert(1)>', '<p>&lt;svg onload=alert(1)&gt;</p>\n'],
  ['[site](https://example.com/a)', `<p><a href="https://example.com/a" rel="${expectedRel}">site</a></p>\n`],
  ['see <https://example.com>', `<p>see <a href="https://example.com" rel="${expectedRel}">https://example.com</a></p>\n`],
];

const payloads = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<iframe src="https://evil.example"></iframe>',
  '<a href="javascript:alert(1)">x</a>',
  '<a href=https://example.com onclick=alert(1)>x</a>',
  '<body onload=alert(1)>',
  '<style>body{display:none}</style>',
  '<!-- <script>alert(1)</script> -->',
  '<<script>script>alert(1)<</script>/script>',
  '<scr<script>ipt>alert(1)</script>',
  '[x](javascript:alert(1))',
  '[x](JAVASCRIPT:alert(1))',
  '[x]( javascript:alert(1) )',
  '[x](<javascript:alert(1)>)',
  '[x](&#x6A;avascript:alert(1))',
  '[x](java&#115;cript:alert(1))',
  '[x](javascript&colon;alert(1))',
  '[x](vbscript:msgbox(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[x](file:///etc/passwd)',
  '[x](//evil.example/)',
  '[x](/\\evil.example/)',
  '![x](javascript:alert(1))',
  '![x](https://tracker.example/pixel.png)',
  '[x][r]\n\n[r]: javascript:alert(1)',
  '[x](https://example.com "t\\" onmouseover=alert(1) x=\\"")',
  '[<img src=x onerror=alert(1)>](https://example.com)',
  '<javascript:alert(1)>',
  '<https://example.com/?q="onmouseover=alert(1)>',
  'https://example.com/"onmouseover="alert(1)',
  'www.example.com/<script>alert(1)</script>',
  'javascript:alert(1)',
  '<ann@example.com> [mail](mailto:ann@example.com) [top](#top) [here](/posts/1)',
  '```"><script>alert(1)</script>\ncode\n```',
  '`<script>alert(1)</script>`',
  '    <script>alert(1)</script>',
  '| a | <b>b</b> |\n|---|--:|\n| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |',
  '> <script>alert(1)</script>\n> [x](javascript:alert(1))',
  '1. <img src=x>\n2. **<svg onload=alert(1)>**\n\n- *[x](javascript:alert(1))*',
  '# <script>alert(1)</script>\n\n---\n\n~~<s>x</s>~~',
  '&lt;script&gt;alert(1)&lt;/script&gt; &#60;script&#62;',
  'x\u0000<script>alert(1)</script>\u2028<img src=x onerror=alert(1)>',
];

describe('Markdown from readers renders inert', () => {
  test('the structural check itself refuses unsafe HTML', () => {
    for (const unsafe of [
      '<p><script>alert(1)</script></p>',
      '<p onclick="alert(1)">x</p>',
      `<a href="javascript:alert(1)" rel="${expectedRel}">x</a>`,
      `<a href="//evil.example" rel="${expectedRel}">x</a>`,
      '<a href="https://example.com">x</a>',
      '<p>1 < 2</p>',
      '<img src="x">',
      '<p><em>x</p>',
    ]) {
      assert.notDeepEqual(inertProblems(unsafe), [], unsafe);
    }
    assert.deepEqual(inertProblems(`<p>1 &lt; 2 <a href="https://example.com" rel="${expectedRel}">x</a><br>\n</p>\n`), []);
  });

  test('known payloads give exactly the expected HTML', async () => {
    const html = await rendered(
      exact.map(([body]) => body),
      'http://localhost:8080/xss/exact',
    );
    for (const [body, expected] of exact) assert.equal(html.get(body), expected, body);
  });

  test('every payload renders only Markdown elements, safe links with rel="nofollow ugc noopener", no handlers', async () => {
    const html = await rendered(payloads, 'http://localhost:8080/xss/payloads');
    for (const body of payloads) {
      const out = html.get(body) ?? '';
      assert.notEqual(out, 'missing', body);
      assert.deepEqual(inertProblems(out), [], `${JSON.stringify(body)} -> ${out}`);
      assert.doesNotMatch(out, /<script|<img|<svg|<iframe|<style/i, body);
      for (const a of elements(out).filter((e) => e.name === 'a')) {
        assert.doesNotMatch(decodeEntities(a.attributes.href ?? ''), /^\s*(javascript|vbscript|data|file):/i, body);
      }
    }
    assert.ok((html.get(payloads[35] ?? '') ?? '').includes('href="mailto:ann@example.com"'), 'mailto links survive');
    assert.ok(
      (html.get(payloads[35] ?? '') ?? '').includes('href="#top"') && (html.get(payloads[35] ?? '') ?? '').includes('href="/posts/1"'),
    );
  });
});

describe("readers' names on Epistle's own pages", () => {
  const names = ['<img src=x onerror=alert(1)>', '"><script>alert(1)</script>', "Ann' onmouseover='alert(1)"];

  test('names and websites with markup are escaped on the /demo page', async () => {
    for (const author of names) await publish(app, { url: pageUrl, author, website: 'https://example.com/"><script>alert(2)</script>' });
    const res = await fetch(`${app.url}/demo`);
    assert.equal(res.status, 200);
    const html = await res.text();
    // The page's one script is Epistle's own embed; none comes from a reader.
    assert.equal(html.match(/<script/gi)?.length, 1);
    assert.ok(html.includes('<script src="/embed.js" defer></script>'));
    assert.doesNotMatch(html.replace('<script src="/embed.js" defer></script>', ''), /<script|<img|onmouseover='/i);
    const text = decodeEntities(html);
    for (const author of names) {
      assert.ok(!html.includes(author), `${author} is not written raw`);
      assert.ok(text.includes(author), `${author} is shown as text`);
    }
    const links = elements(html).filter((e) => e.name === 'a' && e.attributes.rel === expectedRel);
    assert.ok(links.length >= names.length);
    for (const a of links) assert.match(decodeEntities(a.attributes.href ?? ''), /^https:\/\/example\.com\/%22%3E%3Cscript%3E/);
  });

  test('names with markup are escaped in the refilled form of the error page', async () => {
    for (const author of names) {
      const res = await postForm(app, commentsPath, { url: pageUrl, author, body: '' });
      assert.equal(res.status, 422);
      const html = await res.text();
      assert.doesNotMatch(html, /<script|<img|onmouseover='/i);
      assert.equal(inputValue(html, 'author'), author);
    }
  });
});
