// Opens the Prisma client for the configured provider. Both generated clients have the same
// model API (the schemas differ only in their datasource, checked by a test), so the rest of
// src/db is written once against the SQLite client's types.
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as PostgresClient } from './generated/postgresql/client.js';
import { PrismaClient as SqliteClient } from './generated/sqlite/client.js';
import { providerOf, sqlitePath, type Provider } from './provider.js';
import { serializeConnection } from './sqlite-serialized.js';

export type Db = InstanceType<typeof SqliteClient>;

export interface Database {
  provider: Provider;
  prisma: Db;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(url: string): Promise<Database> {
  const provider = providerOf(url);
  let prisma: Db;
  if (provider === 'sqlite') {
    prisma = new SqliteClient({ adapter: serializeConnection(new PrismaBetterSQLite3({ url: sqlitePath(url), timeout: 10_000 })) });
    // WAL lets readers proceed while a comment is written; NORMAL sync is safe with WAL.
    await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    await prisma.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
    await prisma.$queryRawUnsafe('PRAGMA foreign_keys = ON');
  } else {
    const pgClient = new PostgresClient({ adapter: new PrismaPg({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000 }) });
    prisma = pgClient as unknown as Db;
  }
  // Prisma reconnects on the next query after $disconnect; a closed database must stay closed
  // for readiness, so that a stopping instance reports itself unready.
  let closed = false;
  return {
    provider,
    prisma,
    async ping() {
      if (closed) throw new Error('database closed');
      await prisma.$queryRawUnsafe('SELECT 1');
    },
    async close() {
      closed = true;
      await prisma.$disconnect();
    },
  };
}
