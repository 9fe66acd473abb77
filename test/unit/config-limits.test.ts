// Two settings a new user met head-on: the zero-config file must follow the address Epistle is
// started with (a demo on 9090 whose origins say 8080 refuses its own form), and the request size
// limit must carry the longest comment a site accepts, in any script; a configuration where it
// cannot is refused at start with the key and the fix.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { requestBytesNeeded } from '../../src/config/schema.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'epistle-limits-'));
  dirs.push(dir);
  return dir;
}

/** A zero-config start in an empty folder with these variables. */
function firstStart(env: Record<string, string>) {
  const cwd = tempDir();
  const loaded = loadConfig({ cwd, env, createIfMissing: true });
  return { ...loaded, text: readFileSync(join(cwd, 'epistle.toml'), 'utf8') };
}

describe('the zero-config file follows the listen address it is created with', () => {
  test('EPISTLE_SERVER_LISTEN=127.0.0.1:9090 writes a demo on 9090', () => {
    const { config, created, text } = firstStart({ EPISTLE_SERVER_LISTEN: '127.0.0.1:9090' });
    assert.equal(created, true);
    assert.match(text, /^listen = "127\.0\.0\.1:9090"$/m);
    assert.deepEqual(config.sites.demo?.origins, ['http://localhost:9090', 'http://127.0.0.1:9090']);
    assert.equal(config.server.public_url, 'http://localhost:9090');
    assert.doesNotMatch(text, /8080/);
  });

  test('a host other than loopback is an origin too; IPv6 is bracketed', () => {
    assert.deepEqual(firstStart({ EPISTLE_SERVER_LISTEN: '192.168.1.20:8000' }).config.sites.demo?.origins, [
      'http://localhost:8000',
      'http://127.0.0.1:8000',
      'http://192.168.1.20:8000',
    ]);
    assert.deepEqual(firstStart({ EPISTLE_SERVER_LISTEN: '[::]:8001' }).config.sites.demo?.origins, [
      'http://localhost:8001',
      'http://127.0.0.1:8001',
    ]);
    assert.deepEqual(firstStart({ EPISTLE_SERVER_LISTEN: '[fd00::5]:8002' }).config.sites.demo?.origins, [
      'http://localhost:8002',
      'http://127.0.0.1:8002',
      'http://[fd00::5]:8002',
    ]);
  });

  test('without the variable, the quick start’s 8080', () => {
    const { config } = firstStart({});
    assert.equal(config.server.listen, '127.0.0.1:8080');
    assert.deepEqual(config.sites.demo?.origins, ['http://localhost:8080', 'http://127.0.0.1:8080']);
  });
});

describe('max_request_bytes carries the longest comment', () => {
  test('the defaults fit a 10,000-character comment of emoji, URL-encoded, with the other fields at their limits', () => {
    const { config } = firstStart({});
    const site = config.sites.demo;
    assert.ok(site);
    assert.equal(site.max_body_length, 10_000);
    const emoji = '😀'.repeat(site.max_body_length);
    const form = new URLSearchParams({
      url: 'http://localhost:8080/a/rather/long/path/to/a/blog/post/about/something/',
      author: '李'.repeat(site.max_author_length),
      email: `${'a'.repeat(site.max_email_length - 12)}@example.com`,
      website: `https://${'é'.repeat(site.max_website_length - 8)}`,
      body: emoji,
      subject: '',
    }).toString();
    assert.ok(Buffer.byteLength(form) > 65_536, 'the old default was too small for it');
    assert.ok(Buffer.byteLength(form) <= requestBytesNeeded(site), `${Buffer.byteLength(form)} bytes within the computed need`);
    assert.ok(requestBytesNeeded(site) <= config.server.max_request_bytes, 'the default carries it');
  });

  test('a site whose limits do not fit is refused at start, naming the key and the fix', () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'epistle.toml'),
      '[server]\nmax_request_bytes = 65536\n\n[sites.blog]\nname = "Blog"\norigins = ["https://blog.example"]\n',
    );
    let error: unknown;
    try {
      loadConfig({ cwd, env: {} });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, /server\.max_request_bytes/);
    assert.match(error.message, /\[sites\.blog\] accepts: 10000 characters .* take up to 129896 bytes/);
    assert.match(
      error.message,
      /Fix: set \[server\] max_request_bytes = 129896 or more, or lower sites\.blog\.max_body_length to 4636 or less/,
    );

    // Either fix is accepted.
    writeFileSync(
      join(cwd, 'epistle.toml'),
      '[server]\nmax_request_bytes = 65536\n\n[sites.blog]\nname = "Blog"\norigins = ["https://blog.example"]\nmax_body_length = 4636\n',
    );
    assert.equal(loadConfig({ cwd, env: {} }).config.sites.blog?.max_body_length, 4636);
    assert.equal(
      loadConfig({ cwd, env: { EPISTLE_SERVER_MAX_REQUEST_BYTES: '129896', EPISTLE_SITES_BLOG_MAX_BODY_LENGTH: '10000' } }).config.server
        .max_request_bytes,
      129_896,
    );
  });
});
