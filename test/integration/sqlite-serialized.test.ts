import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/client.js';

// Prisma's SQLite adapter runs plain queries on the connection that an open interactive
// transaction holds; src/db/sqlite-serialized.ts makes them wait. On PostgreSQL every query has
// its own pooled connection (scripts/run-tests.mjs runs sqlite-* files in the SQLite phase only).
test(
  'a write made while another transaction is open survives that transaction rolling back',
  { skip: process.env.EPISTLE_TEST_DB === 'postgresql' ? 'SQLite-specific' : false },
  async () => {
    const url = `file:${join(mkdtempSync(join(tmpdir(), 'tx-')), 'x.db')}`;
    await migrate(url);
    const db = await openDatabase(url);
    const p = db.prisma;
    await p.site.create({ data: { id: 's', name: 'S' } });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = p
      .$transaction(async (t) => {
        await t.site.create({ data: { id: 'in-tx', name: 'x' } });
        await gate;
        throw new Error('rollback');
      })
      .catch(() => 'rolled back');
    await new Promise((r) => setTimeout(r, 50));
    const outside = p.site.create({ data: { id: 'outside', name: 'y' } });
    setTimeout(release, 50);
    await outside;
    assert.equal(await tx, 'rolled back');
    const ids = (await p.site.findMany()).map((s) => s.id).sort();
    assert.deepEqual(ids, ['outside', 's']);
    await db.close();
  },
);
