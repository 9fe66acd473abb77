// Applies the committed SQL migrations (prisma/<provider>/migrations/NNNN_name/migration.sql) in
// order, each in its own transaction together with its record in _epistle_migrations, so a failed
// migration leaves nothing half-done. Safe to run from several instances at once: SQLite takes a
// write lock (BEGIN IMMEDIATE), PostgreSQL an advisory lock. We do not use `prisma migrate deploy`
// because its wasm engine cannot talk to PostgreSQL through the pg adapter (docs/ARCHITECTURE.md).
// Every start runs this, so when nothing is pending it only reads: no lock, no transaction, no write
// (a read-only connection on SQLite), and the driver of the other provider is never loaded.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { providerOf, sqlitePath, type Provider } from './provider.js';
import { createSqliteFile } from './sqlite-file.js';

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

const prismaDir = fileURLToPath(new URL('../../prisma/', import.meta.url));
const recordTable = `CREATE TABLE IF NOT EXISTS "_epistle_migrations" (
  "name" TEXT PRIMARY KEY,
  "checksum" TEXT NOT NULL,
  "appliedAt" TEXT NOT NULL
)`;

export function readMigrations(provider: Provider, root = prismaDir): Migration[] {
  const dir = join(root, provider, 'migrations');
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^\d{4}_/.test(e.name))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

function checkEdited(m: Migration, recorded: string | undefined): boolean {
  if (recorded === undefined) return false;
  if (recorded !== m.checksum) {
    throw new MigrationError(
      `migration ${m.name} was changed after it was applied; restore the original file and add a new migration instead`,
    );
  }
  return true;
}

/**
 * The report when every migration is already recorded (unchanged), else undefined. Lets a start
 * with nothing pending skip the write lock entirely: it neither waits behind a busy writer nor
 * writes anything.
 */
function nothingPending(migrations: Migration[], recorded: Map<string, string>): MigrationReport | undefined {
  if (!migrations.every((m) => checkEdited(m, recorded.get(m.name)))) return undefined;
  return { applied: [], alreadyApplied: migrations.map((m) => m.name) };
}

export interface MigrateOptions {
  /** Folder holding <provider>/migrations/ (default: the committed prisma/ folder). */
  root?: string;
}

export async function migrate(url: string, options: MigrateOptions = {}): Promise<MigrationReport> {
  const provider = providerOf(url);
  const migrations = readMigrations(provider, options.root);
  return provider === 'sqlite' ? migrateSqlite(url, migrations) : migratePostgres(url, migrations);
}

async function migrateSqlite(url: string, migrations: Migration[]): Promise<MigrationReport> {
  const { default: Database } = await import('better-sqlite3');
  const file = sqlitePath(url);
  if (file !== ':memory:' && existsSync(file)) {
    // Read-only look first: a read-only connection cannot write, not even the checkpoint a
    // closing connection does, so an up-to-date database file is left exactly as it was.
    let reader: InstanceType<typeof Database> | undefined;
    try {
      reader = new Database(file, { readonly: true, fileMustExist: true, timeout: 10_000 });
      const table = reader.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_epistle_migrations'`).get();
      const rows = table
        ? (reader.prepare('SELECT name, checksum FROM "_epistle_migrations"').all() as Array<{ name: string; checksum: string }>)
        : [];
      const report = nothingPending(migrations, new Map(rows.map((r) => [r.name, r.checksum])));
      if (report) return report;
    } catch {
      // Not readable read-only (e.g. WAL files it may not create): the locked path below decides.
    } finally {
      reader?.close();
    }
  }
  createSqliteFile(file);
  const db = new Database(file, { timeout: 10_000 });
  const report: MigrationReport = { applied: [], alreadyApplied: [] };
  try {
    const hasRecords = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_epistle_migrations'`).get();
    if (hasRecords) {
      const rows = db.prepare('SELECT name, checksum FROM "_epistle_migrations"').all() as Array<{ name: string; checksum: string }>;
      const done = nothingPending(migrations, new Map(rows.map((r) => [r.name, r.checksum])));
      if (done) return done;
    }
    db.pragma('journal_mode = WAL');
    // SQLite can only change foreign-key enforcement outside a transaction. Prisma's table
    // redefinitions (copy, DROP, rename) would otherwise cascade-delete dependent rows, so it is
    // off while migrating and the keys are checked before each commit.
    db.pragma('foreign_keys = OFF');
    db.exec(recordTable);
    for (const m of migrations) {
      db.exec('BEGIN IMMEDIATE');
      try {
        const row = db.prepare('SELECT checksum FROM "_epistle_migrations" WHERE name = ?').get(m.name) as { checksum: string } | undefined;
        if (checkEdited(m, row?.checksum)) {
          report.alreadyApplied.push(m.name);
        } else {
          db.exec(m.sql);
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length) throw new MigrationError(`migration ${m.name} leaves ${broken.length} rows with broken foreign keys`);
          db.prepare('INSERT INTO "_epistle_migrations" (name, checksum, "appliedAt") VALUES (?, ?, ?)').run(
            m.name,
            m.checksum,
            new Date().toISOString(),
          );
          report.applied.push(m.name);
        }
        db.exec('COMMIT');
      } catch (error) {
        // Some failures (a full disk, an I/O error) end the transaction themselves.
        if (db.inTransaction) db.exec('ROLLBACK');
        throw wrap(m, error);
      }
    }
  } finally {
    db.close();
  }
  return report;
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<MigrationReport> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  // A dropped connection also rejects the query in progress; without a listener it would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  const report: MigrationReport = { applied: [], alreadyApplied: [] };
  try {
    // Plain reads first: nothing pending means no transaction, no lock and no write.
    const { rows: exists } = await client.query<{ found: string | null }>(`SELECT to_regclass('"_epistle_migrations"')::text AS found`);
    if (exists[0]?.found) {
      const { rows } = await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM "_epistle_migrations"');
      const done = nothingPending(migrations, new Map(rows.map((r) => [r.name, r.checksum])));
      if (done) return done;
    }
    for (const m of migrations) {
      await client.query('BEGIN');
      try {
        // One migrator at a time across instances; released at COMMIT/ROLLBACK.
        await client.query("SELECT pg_advisory_xact_lock(hashtext('epistle-migrations'))");
        await client.query(recordTable);
        const { rows } = await client.query<{ checksum: string }>('SELECT checksum FROM "_epistle_migrations" WHERE name = $1', [m.name]);
        if (checkEdited(m, rows[0]?.checksum)) {
          report.alreadyApplied.push(m.name);
        } else {
          await client.query(m.sql);
          await client.query('INSERT INTO "_epistle_migrations" (name, checksum, "appliedAt") VALUES ($1, $2, $3)', [
            m.name,
            m.checksum,
            new Date().toISOString(),
          ]);
          report.applied.push(m.name);
        }
        await client.query('COMMIT');
      } catch (error) {
        // Keep the migration's own error when the connection is gone as well.
        await client.query('ROLLBACK').catch(() => undefined);
        throw wrap(m, error);
      }
    }
  } finally {
    await client.end();
  }
  return report;
}

function wrap(m: Migration, error: unknown): Error {
  if (error instanceof MigrationError) return error;
  return new MigrationError(`migration ${m.name} failed and was rolled back: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  });
}
