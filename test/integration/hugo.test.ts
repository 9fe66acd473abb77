// The Hugo example (examples/hugo) built with Debian's hugo against a running Epistle: the built
// pages carry the approved comments, nested, and no pending one; a rebuild after an approval
// shows it (Hugo's cache of remote resources must not keep the old thread).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { moderateComment } from '../../src/domain/comments/moderate-comment.js';
import { postJson, startTestApp, type TestApp } from '../support/app.js';

const run = promisify(execFile);
const example = new URL('../../examples/hugo/', import.meta.url).pathname;
const origin = 'http://blog.test';
const post = `${origin}/posts/hello/`;

let app: TestApp;
let dir: string;
before(async () => {
  app = await startTestApp((t) => {
    t.sites.blog = { name: 'Blog', origins: [origin], locale: 'en', rate_limit_per_minute: 0 };
  });
  dir = mkdtempSync(join(tmpdir(), 'epistle-hugo-'));
  cpSync(example, join(dir, 'site'), { recursive: true });
});
after(async () => {
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function comment(fields: Record<string, unknown>, approve = true): Promise<number> {
  const res = await postJson(app, '/api/sites/blog/comments', { url: post, author: 'Ann', ...fields });
  assert.equal(res.status, 202, await res.clone().text());
  const { id } = (await res.json()) as { id: number };
  if (approve) await moderateComment(app.services, { commentId: id, decision: 'approve', by: 'test' });
  return id;
}

/** Builds the example against this Epistle, as an owner's build would (execFile: the server answers meanwhile). */
async function build(): Promise<{ page: (path: string) => string; stderr: string }> {
  const site = join(dir, 'site');
  const { stderr } = await run(
    'hugo',
    ['--source', site, '--destination', join(dir, 'public'), '--cacheDir', join(dir, 'cache'), '--baseURL', `${origin}/`],
    { env: { ...process.env, HUGO_PARAMS_EPISTLE_SERVER: app.url }, timeout: 60_000 },
  ).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('hugo is not installed: run scripts/install-test-deps.sh');
    throw error;
  });
  return { page: (path) => readFileSync(join(dir, 'public', path, 'index.html'), 'utf8'), stderr };
}

describe('the Hugo example', () => {
  test('bakes the approved comments, nested, into the page, and no pending one', async () => {
    const first = await comment({ author: 'Ann', website: 'https://ann.example', body: 'First **comment**' });
    const reply = await comment({ author: 'Bob', body: 'A reply to Ann', parent: first });
    await comment({ author: '<script>alert(1)</script>', body: 'Escaped name' });
    await comment({ author: 'Pat', body: 'Still pending' }, false);

    const { page, stderr } = await build();
    assert.doesNotMatch(stderr, /epistle:/, 'no warning from the partial');
    const html = page('posts/hello');
    assert.match(html, /<section id="epistle-thread" data-epistle-site="blog" data-epistle-url="http:\/\/blog\.test\/posts\/hello\/">/);
    assert.match(
      html,
      /<div class="epistle" lang="en" data-epistle-site="blog" data-epistle-url="http:\/\/blog\.test\/posts\/hello\/" data-epistle-total="3"/,
    );
    assert.ok(html.includes('<h2 class="epistle-heading">3 comments</h2>'));
    assert.ok(html.includes('<div class="epistle-body"><p>First <strong>comment</strong></p>'));
    // Bob's reply sits inside Ann's comment, in its replies list.
    const ann = html.slice(html.indexOf(`id="epistle-comment-${first}"`));
    assert.ok(ann.indexOf('<ol class="epistle-replies">') < ann.indexOf(`id="epistle-comment-${reply}"`));
    assert.ok(ann.indexOf(`id="epistle-comment-${reply}"`) < ann.indexOf('</li>'), 'the reply is nested in its parent');
    assert.ok(!html.includes('Still pending'), 'the pending comment is not in the page');
    assert.ok(!html.includes('<script>alert(1)</script>') && html.includes('&#60;script&#62;alert(1)&#60;/script&#62;'));
    assert.ok(html.includes(`<script src="${app.url}/embed.js" defer></script>`));
    assert.ok(html.includes(`action="${app.url}/api/sites/blog/comments"`), 'the no-JavaScript form');

    const quiet = page('posts/quiet');
    assert.ok(quiet.includes('<h2 class="epistle-heading">No comments yet</h2>'));
    const index = page('');
    assert.ok(index.includes(`data-epistle-count="${post}"`), 'counts on the index page');
  });

  test('a rebuild after an approval shows the new comment', async () => {
    const [pending] = await app.services.store.listComments({ siteId: 'blog', status: 'pending', limit: 10 });
    assert.ok(pending);
    await moderateComment(app.services, { commentId: pending.id, decision: 'approve', by: 'test' });
    const html = (await build()).page('posts/hello');
    assert.ok(html.includes('Still pending'), 'the approved comment is in the rebuilt page');
    assert.ok(html.includes('<h2 class="epistle-heading">4 comments</h2>'));
    assert.ok(existsSync(join(dir, 'cache')), 'the build used the temporary cache folder');
  });
});
