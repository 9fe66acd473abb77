// The embed's budget (issue 7): embed.js plus embed.css at most 6 KB gzipped together (level 9),
// measured on a fresh build of this checkout. Isso's client is about 20 KB.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { buildEmbed } from '../support/embed-build.js';

const budgetBytes = 6144;

test(`embed.js + embed.css fit in ${budgetBytes} bytes gzipped`, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'epistle-embed-size-'));
  try {
    buildEmbed(dir);
    const sizes = ['embed.js', 'embed.css'].map((f) => gzipSync(readFileSync(join(dir, f)), { level: 9 }).length);
    const total = sizes.reduce((a, b) => a + b, 0);
    t.diagnostic(`gzipped: embed.js ${sizes[0]} B + embed.css ${sizes[1]} B = ${total} B of ${budgetBytes}`);
    assert.ok(
      sizes.every((s) => s > 500),
      'the build produced real files',
    );
    assert.ok(total <= budgetBytes, `${total} B gzipped is over the ${budgetBytes} B budget`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
