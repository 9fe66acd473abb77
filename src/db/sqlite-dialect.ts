// Kysely on better-sqlite3, with a driver of our own instead of Kysely's SqliteDriver, because:
// - write transactions must take SQLite's write lock up front (BEGIN IMMEDIATE): a deferred BEGIN
//   upgrades to a write lock at its first write and fails with SQLITE_BUSY mid-way when another
//   process (a second instance, `epistle migrate`) holds it; IMMEDIATE waits busy_timeout instead.
// - the one connection is handed out in arrival order (a FIFO lock) and held by a transaction
//   from BEGIN to COMMIT/ROLLBACK, so a query of another request never runs inside someone
//   else's transaction (and is never lost with its rollback). Kysely's own mutex also serializes,
//   but wakes every waiter at once and leaves BEGIN deferred.
// - a failed COMMIT (deferred foreign key, disk full, I/O error) is rolled back if SQLite left
//   the transaction open, and the lock is released in every case, so later queries never wedge.
// - values cross the boundary as the PostgreSQL driver gives them: Date for DATETIME columns and
//   boolean for BOOLEAN ones (read from each statement's declared column types), Date parameters
//   written in the format Prisma's SQLite adapter used (existing databases compare correctly).
// - prepared statements are cached: the query set is small and fixed, preparing is not free.
import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';

type Statement = BetterSqlite3.Statement<unknown[], Record<string, unknown>>;

interface Prepared {
  statement: Statement;
  /** Columns to convert on read: declared DATETIME -> Date, BOOLEAN -> boolean. */
  dates: string[];
  booleans: string[];
}

/** How Prisma's SQLite adapter stored DateTime (ISO 8601 with an explicit offset); kept for existing files. */
export function sqliteTimestamp(date: Date): string {
  return date.toISOString().replace('Z', '+00:00');
}

/** A DATETIME value as stored (Prisma's format, CURRENT_TIMESTAMP's, or epoch ms) as a Date. */
export function parseSqliteTimestamp(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // CURRENT_TIMESTAMP writes 'YYYY-MM-DD HH:MM:SS' in UTC, without a zone.
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

function toParameter(value: unknown): unknown {
  if (value instanceof Date) return sqliteTimestamp(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/** A FIFO lock: `acquire` resolves, in call order, with the function that releases it. */
class FifoLock {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return ready;
  }
}

const statementCacheSize = 200;

class SqliteConnection implements DatabaseConnection {
  private readonly statements = new Map<string, Prepared>();

  constructor(readonly db: BetterSqlite3.Database) {}

  private prepare(sql: string): Prepared {
    let prepared = this.statements.get(sql);
    if (prepared) return prepared;
    const statement: Statement = this.db.prepare(sql);
    const dates: string[] = [];
    const booleans: string[] = [];
    if (statement.reader) {
      for (const column of statement.columns()) {
        const type = column.type?.toUpperCase();
        if (type === 'DATETIME') dates.push(column.name);
        else if (type === 'BOOLEAN') booleans.push(column.name);
      }
    }
    prepared = { statement, dates, booleans };
    // Queries with IN lists vary in text; keep the cache bounded (oldest out).
    if (this.statements.size >= statementCacheSize) this.statements.delete(this.statements.keys().next().value as string);
    this.statements.set(sql, prepared);
    return prepared;
  }

  run<R>(sql: string, parameters: readonly unknown[]): QueryResult<R> {
    const { statement, dates, booleans } = this.prepare(sql);
    const values = parameters.map(toParameter);
    if (statement.reader) {
      const rows = statement.all(...values);
      if (dates.length || booleans.length) {
        for (const row of rows) {
          for (const c of dates) row[c] = parseSqliteTimestamp(row[c]);
          for (const c of booleans) if (row[c] !== null) row[c] = row[c] === 1 || row[c] === true;
        }
      }
      return { rows: rows as R[] };
    }
    const { changes, lastInsertRowid } = statement.run(...values);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    return settle(() => this.run<R>(compiled.sql, compiled.parameters));
  }

  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not used by Epistle');
  }
}

/** better-sqlite3 is synchronous; Kysely expects promises, and rejections rather than throws. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

export interface SqliteOptions {
  /** How long a statement waits for another process's write lock before SQLITE_BUSY. */
  busyTimeoutMs: number;
}

class SqliteDriver implements Driver {
  private readonly lock = new FifoLock();
  private readonly releases = new WeakMap<DatabaseConnection, () => void>();
  private connection: SqliteConnection | undefined;

  constructor(private readonly open: () => BetterSqlite3.Database) {}

  init(): Promise<void> {
    return settle(() => {
      this.connection = new SqliteConnection(this.open());
    });
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.lock.acquire();
    const connection = this.connection;
    if (!connection) {
      release();
      throw new Error('database closed');
    }
    this.releases.set(connection, release);
    return connection;
  }

  beginTransaction(connection: DatabaseConnection): Promise<void> {
    return settle(() => (connection as SqliteConnection).db.exec('BEGIN IMMEDIATE')).then(() => undefined);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    // A COMMIT refused for a deferred constraint leaves the transaction open: Kysely then calls
    // rollbackTransaction. SQLITE_FULL or an I/O error may have rolled back already: nothing
    // to end. Either way releaseConnection follows (Kysely calls it in a finally).
    return settle(() => (connection as SqliteConnection).db.exec('COMMIT')).then(() => undefined);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const { db } = connection as SqliteConnection;
    // ROLLBACK without a transaction is an error that would hide the one that caused it.
    return settle(() => {
      if (db.inTransaction) db.exec('ROLLBACK');
    });
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    const release = this.releases.get(connection);
    this.releases.delete(connection);
    const { db } = connection as SqliteConnection;
    return settle(() => {
      try {
        // Whatever happened, a transaction never outlives its holder: nothing may run inside it.
        if (db.open && db.inTransaction) db.exec('ROLLBACK');
      } finally {
        release?.();
      }
    });
  }

  async destroy(): Promise<void> {
    // Wait for the query or transaction in progress, then close.
    const release = await this.lock.acquire();
    this.connection?.db.close();
    this.connection = undefined;
    release();
  }
}

export class EpistleSqliteDialect implements Dialect {
  constructor(private readonly open: () => BetterSqlite3.Database) {}

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createDriver(): Driver {
    return new SqliteDriver(this.open);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/**
 * Pragmas for one small server: many short writes (one comment, a few rows), reads far more
 * frequent, one file shared by at most a few processes.
 */
export function tuneSqlite(db: BetterSqlite3.Database, options: SqliteOptions): void {
  // Two processes on one file (serve + `epistle migrate`, two instances) wait for each other's
  // write lock rather than fail: with BEGIN IMMEDIATE this is the only place SQLite waits.
  db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
  // WAL: readers never block the writer nor the reverse, and a commit appends to the log
  // instead of rewriting pages (the main cost of an intake).
  db.pragma('journal_mode = WAL');
  // With WAL, NORMAL syncs at checkpoints only: a power cut may lose the last commits but never
  // corrupts the file. That trade is what makes a commit cost microseconds instead of an fsync.
  db.pragma('synchronous = NORMAL');
  // The schema's cascades and SET NULL rely on it; SQLite leaves it off per connection.
  db.pragma('foreign_keys = ON');
  // 8 MiB of page cache (negative = KiB): the hot pages and indexes of a blog-sized database fit;
  // the default 2 MiB makes thread reads go to the OS cache on bigger sites, more costs RSS.
  db.pragma('cache_size = -8192');
  // Sorts and temporary indexes (ORDER BY on a page's comments) stay in memory.
  db.pragma('temp_store = MEMORY');
}
