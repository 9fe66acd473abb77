// `epistle backup <file>`: a consistent copy of the SQLite database, taken while the server runs.
// PostgreSQL has its own tool for that (pg_dump); the message says so without printing the URL,
// which may hold a password.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { backupSqlite } from '../db/backup.js';
import { providerOf, sqlitePath } from '../db/provider.js';
import { fail, load, type GlobalOptions } from './context.js';

export async function backup(file: string, options: GlobalOptions): Promise<void> {
  const { config } = load(options);
  const url = config.database.url;
  if (providerOf(url) === 'postgresql') {
    fail(
      'backup copies SQLite databases; for PostgreSQL use pg_dump, e.g. pg_dump --format=custom --file=epistle.dump "<database url>" (see docs/deployment.md)',
    );
  }
  const source = sqlitePath(url);
  const dest = resolve(file);
  if (!existsSync(source)) fail(`no database at ${source}: nothing to back up (check [database] url)`);
  if (existsSync(dest)) fail(`${dest} already exists; choose a new file name`);
  let report;
  try {
    report = await backupSqlite(source, dest);
  } catch (error) {
    fail(`backup failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const kib = Math.ceil(report.bytes / 1024);
  process.stdout.write(`backed up ${source} to ${dest} (${kib} KiB, ${report.pages} pages, integrity ok)\n`);
}
