// Opens the SQLite database (the default, zero-config provider). Imported by client.ts only when
// the URL is a file, so a PostgreSQL deployment never loads better-sqlite3.
import Database from 'better-sqlite3';
import { Kysely } from 'kysely';
import { sqlitePath } from './provider.js';
import { EpistleSqliteDialect, tuneSqlite } from './sqlite-dialect.js';
import type { DB } from './tables.js';

/** Long enough to outlast another process's migration or burst of writes; short enough to answer. */
const busyTimeoutMs = 5_000;

export function openSqlite(url: string): Kysely<DB> {
  return new Kysely<DB>({
    dialect: new EpistleSqliteDialect(() => {
      const db = new Database(sqlitePath(url), { timeout: busyTimeoutMs });
      tuneSqlite(db, { busyTimeoutMs });
      return db;
    }),
  });
}
