// A fresh, empty database for one test file: a temp SQLite file by default, or a new database on
// the private PostgreSQL that scripts/test.sh starts when EPISTLE_TEST_DB=postgresql.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const testProvider = process.env.EPISTLE_TEST_DB === 'postgresql' ? 'postgresql' : 'sqlite';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (testProvider === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'epistle-test-'));
    return { url: `file:${dir}/epistle.db`, drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) };
  }
  const adminUrl = process.env.EPISTLE_TEST_PG_URL;
  if (!adminUrl) throw new Error('EPISTLE_TEST_DB=postgresql needs EPISTLE_TEST_PG_URL (scripts/test.sh sets it)');
  const name = `epistle_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
