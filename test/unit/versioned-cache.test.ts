// The response cache stays within its byte budget whatever the URLs asked for: keys and per-entry
// overhead count, and answers for pages without comments (version 0) are never stored.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VersionedCache } from '../../src/http/versioned-cache.js';

describe('VersionedCache', () => {
  test('serves a stored body while its version holds, and not after the version changes', () => {
    const cache = new VersionedCache();
    const stored = cache.set('blog\nhttps://blog.example/a/', 3, '{"count":1}', {});
    assert.equal(cache.get('blog\nhttps://blog.example/a/', 3), stored);
    assert.equal(cache.get('blog\nhttps://blog.example/a/', 4), undefined);
  });

  test('never stores version 0 (no page, nothing published), yet answers it with an ETag', () => {
    const cache = new VersionedCache();
    for (let i = 0; i < 10_000; i++) {
      const entry = cache.set(`blog\nhttps://blog.example/p/${i}/`, 0, '{"count":0,"comments":[]}', {});
      assert.match(entry.etag, /^".+"$/);
    }
    assert.equal(cache.count, 0);
    assert.equal(cache.size, 0);
  });

  test('counts keys and overhead: 100,000 distinct tiny entries stay within the budget', () => {
    const budget = 1024 * 1024;
    const cache = new VersionedCache(budget);
    const longKey = (i: number) => `blog\nhttps://blog.example/posts/${i}/${'x'.repeat(200)}`;
    for (let i = 0; i < 100_000; i++) cache.set(longKey(i), 1, '{}', {});
    assert.ok(cache.size <= budget, `held ${cache.size} bytes for a budget of ${budget}`);
    // Each entry costs far more than its 2-byte body: bodies alone would have let ~500,000 in.
    assert.ok(cache.count < 2_000, `held ${cache.count} entries`);
    // The most recent entries are the ones kept.
    assert.ok(cache.get(longKey(99_999), 1));
    assert.equal(cache.get(longKey(0), 1), undefined);
  });
});
