// [sites.<id>] rebuild_*: what is accepted, and messages that name the key and the fix.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import { validate } from '../../src/config/load.js';
import { rebuildTarget } from '../../src/rebuild/runner.js';

function config(site: Record<string, unknown>) {
  return validate({ sites: { blog: { name: 'Blog', origins: ['https://blog.example'], ...site } } });
}

function problem(site: Record<string, unknown>): string {
  try {
    config(site);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  assert.fail('the configuration was accepted');
}

describe('rebuild configuration', () => {
  test('a hook over https is accepted, with a 60 s debounce and a 30 s answer budget by default', () => {
    const c = config({ rebuild_hook: 'https://api.netlify.com/build_hooks/abc123' });
    const site = c.sites.blog!;
    assert.equal(site.rebuild_debounce_seconds, 60);
    assert.deepEqual(rebuildTarget(site), { kind: 'hook', url: 'https://api.netlify.com/build_hooks/abc123', timeoutMs: 30_000 });
  });

  test('a command gets 600 s by default, and rebuild_timeout_seconds overrides it', () => {
    assert.equal(rebuildTarget(config({ rebuild_command: ['/usr/local/bin/build-blog'] }).sites.blog!)?.timeoutMs, 600_000);
    assert.equal(
      rebuildTarget(config({ rebuild_command: ['/usr/local/bin/build-blog'], rebuild_timeout_seconds: 5 }).sites.blog!)?.timeoutMs,
      5000,
    );
  });

  test('a site without either has no rebuild target', () => {
    assert.equal(rebuildTarget(config({}).sites.blog!), undefined);
  });

  test('plain http is refused for a remote hook and accepted on loopback', () => {
    const message = problem({ rebuild_hook: 'http://api.netlify.com/build_hooks/abc' });
    assert.match(message, /sites\.blog\.rebuild_hook/);
    assert.match(message, /https:\/\//);
    for (const host of ['127.0.0.1:8081', 'localhost:9000', '[::1]:9000']) {
      assert.doesNotThrow(() => config({ rebuild_hook: `http://${host}/hook` }), host);
    }
  });

  test('a hook that is not an http(s) URL names the key and shows an example', () => {
    assert.match(
      problem({ rebuild_hook: 'api.netlify.com/build_hooks/abc' }),
      /rebuild_hook: not a URL\. Fix: .*https:\/\/api\.netlify\.com/,
    );
    assert.match(problem({ rebuild_hook: 'ftp://example.com/x' }), /rebuild_hook/);
  });

  test('the error message never echoes the hook URL (it is a secret)', () => {
    assert.doesNotMatch(problem({ rebuild_hook: 'http://example.com/build_hooks/s3cr3t' }), /s3cr3t/);
  });

  test('both a hook and a command are refused, naming both keys', () => {
    const message = problem({ rebuild_hook: 'https://h.example/x', rebuild_command: ['/bin/true'] });
    assert.match(message, /sites\.blog\.rebuild_command: rebuild_hook and rebuild_command are both set\. Fix: keep one/);
  });

  test('a relative program is refused: no shell runs it, so no PATH lookup', () => {
    const message = problem({ rebuild_command: ['build-blog', '--minify'] });
    assert.match(message, /sites\.blog\.rebuild_command\.0: "build-blog" is not an absolute path\. Fix: write the program's full path/);
    assert.match(problem({ rebuild_command: [] }), /sites\.blog\.rebuild_command/);
    assert.match(problem({ rebuild_command: '/usr/bin/make site' }), /sites\.blog\.rebuild_command: expected array/);
  });

  test('a timeout without a hook or command is refused, and a timeout of 0 is out of range', () => {
    assert.match(
      problem({ rebuild_timeout_seconds: 10 }),
      /rebuild_timeout_seconds: has no effect without rebuild_hook or rebuild_command/,
    );
    assert.match(problem({ rebuild_command: ['/bin/true'], rebuild_timeout_seconds: 0 }), /rebuild_timeout_seconds: out of range/);
  });
});
