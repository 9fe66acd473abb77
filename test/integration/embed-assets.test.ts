// The server's side of the embed: embed.js and embed.css under their unversioned names (short
// cache, content-hash ETag, 304) and versioned names (immutable), loadable from any page; the
// strings endpoint; a clear 503 and log line when nothing was built; and `epistle embed`, whose
// snippet's integrity matches the bytes served.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { embedAssetPath, embedAssetsHandler } from '../../src/http/embed-assets.js';
import { createLogger } from '../../src/log.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { epistle } from '../support/cli.js';
import { testProvider } from '../support/database.js';
import { buildEmbed, type BuiltFile } from '../support/embed-build.js';

const sha384 = (bytes: ArrayBuffer) => `sha384-${createHash('sha384').update(Buffer.from(bytes)).digest('base64')}`;

describe('embed.js and embed.css', () => {
  let app: TestApp;
  let built: { js: BuiltFile; css: BuiltFile };

  before(async () => {
    built = buildEmbed();
    app = await startTestApp();
  });
  after(async () => {
    await app?.stop();
  });

  for (const kind of ['js', 'css'] as const) {
    const type = kind === 'js' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8';

    test(`/embed.${kind}: short cache, content-hash ETag, 304, open to any page, not sniffed`, async () => {
      const res = await fetch(`${app.url}/embed.${kind}`, { headers: { origin: 'https://anywhere.example' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), type);
      assert.equal(res.headers.get('etag'), `"${built[kind].hash}"`);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=300');
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      const body = await res.arrayBuffer();
      assert.equal(body.byteLength, built[kind].bytes);
      assert.equal(sha384(body), built[kind].integrity);
      const again = await fetch(`${app.url}/embed.${kind}`, { headers: { 'if-none-match': `"${built[kind].hash}"` } });
      assert.equal(again.status, 304);
      assert.equal(await again.text(), '');
    });

    test(`/embed.<hash>.${kind}: the same bytes, cached for a year; an unknown hash is 404`, async () => {
      const res = await fetch(`${app.url}/${built[kind].file}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), type);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(sha384(await res.arrayBuffer()), built[kind].integrity);
      assert.equal((await fetch(`${app.url}/embed.0123456789abcdef.${kind}`)).status, 404);
    });
  }

  test('GET /api/sites/:site/strings: the site language by default, ?lang= otherwise, form labels included', async () => {
    const res = await fetch(`${app.url}/api/sites/demo/strings`, { headers: { origin: 'http://localhost:8080' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:8080');
    assert.match(res.headers.get('cache-control') ?? '', /max-age=600/);
    const en = (await res.json()) as { lang: string; strings: Record<string, string> };
    assert.equal(en.lang, 'en');
    assert.equal(en.strings.reply, 'Reply');
    assert.equal(en.strings.author, 'Name');
    assert.equal(en.strings.count_one, '{{count}} comment');
    const fr = (await (await fetch(`${app.url}/api/sites/demo/strings?lang=fr-CA`)).json()) as typeof en;
    assert.equal(fr.lang, 'fr');
    assert.equal(fr.strings.submit, 'Envoyer');
    assert.deepEqual(Object.keys(fr.strings).sort(), Object.keys(en.strings).sort());
    const etag = res.headers.get('etag') ?? '';
    assert.equal((await fetch(`${app.url}/api/sites/demo/strings`, { headers: { 'if-none-match': etag } })).status, 304);
    assert.equal((await fetch(`${app.url}/api/sites/nope/strings`)).status, 404);
  });
});

describe('without a build', () => {
  test('answers 503 in plain text and logs the fix, npm run build', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'epistle-no-embed-'));
    const lines: Array<{ level: number; msg: string }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(
          ...chunk
            .toString()
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l)),
        );
        done();
      },
    });
    const bare = express();
    bare.get(embedAssetPath, embedAssetsHandler(createLogger('info', sink), empty));
    const server = bare.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      assert.ok(
        lines.some((l) => l.level === 40 && l.msg.includes('npm run build')),
        'a warning at start',
      );
      const res = await fetch(`${url}/embed.js`);
      assert.equal(res.status, 503);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
      assert.match(await res.text(), /npm run build/);
      await fetch(`${url}/embed.css`);
      assert.equal(lines.filter((l) => l.level === 50 && l.msg.includes('npm run build')).length, 1, 'one error line, not one per request');
    } finally {
      server.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

// The command reads only the configuration and the build: once is enough, not once per database.
const databaseFree = testProvider === 'sqlite' ? describe : () => undefined;

void databaseFree('epistle embed', () => {
  test('prints the snippet for the site with the versioned script on public_url and its integrity', async () => {
    const built = buildEmbed();
    const cwd = mkdtempSync(join(tmpdir(), 'epistle-cli-embed-'));
    try {
      const site = '[sites.blog]\nname = "Blog"\norigins = ["https://blog.example"]\nmoderators = ["me@blog.example"]\n';
      writeFileSync(join(cwd, 'epistle.toml'), `[server]\npublic_url = "https://comments.example.com/"\n${site}`);
      const ok = await epistle(['embed', '--site', 'blog'], { cwd });
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(
        ok.stdout,
        '<section id="epistle-thread" data-epistle-site="blog"></section>\n' +
          `<script src="https://comments.example.com/${built.js.file}" integrity="${built.js.integrity}" crossorigin="anonymous" defer></script>\n`,
      );
      const unknown = await epistle(['embed', '--site', 'nope'], { cwd });
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /no site "nope".*blog/);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
