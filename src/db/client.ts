// Opens the database for the configured provider as a Kysely instance over the generated table
// types (src/db/tables.ts). The driver of the other provider is never loaded: each lives in its
// own module, imported on demand.
import { sql, type Kysely } from 'kysely';
import { providerOf, type Provider } from './provider.js';
import type { DB } from './tables.js';

export type Db = Kysely<DB>;

export interface Database {
  provider: Provider;
  db: Db;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(url: string): Promise<Database> {
  const provider = providerOf(url);
  const db = provider === 'sqlite' ? (await import('./sqlite.js')).openSqlite(url) : (await import('./postgres.js')).openPostgres(url);
  // A closed database must stay closed for readiness, so that a stopping instance reports itself unready.
  let closed = false;
  return {
    provider,
    db,
    async ping() {
      if (closed) throw new Error('database closed');
      await sql`SELECT 1`.execute(db);
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
