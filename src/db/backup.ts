// An online copy of the SQLite database through SQLite's backup API, safe while a server writes.
import { closeSync, openSync, statSync, unlinkSync } from 'node:fs';
import Database from 'better-sqlite3';

export interface BackupReport {
  bytes: number;
  pages: number;
}

/**
 * Copies the database at `source` to `dest`, a file that must not exist yet, and checks the copy.
 * All pages are copied in one step, inside one read transaction: the copy is one consistent
 * snapshot, and with WAL the server's writers are not blocked meanwhile. (In small steps, the
 * backup would start over each time another connection writes, possibly forever on a busy site.)
 */
export async function backupSqlite(source: string, dest: string): Promise<BackupReport> {
  // Created first, owner-only and exclusively: the copy is as private as the database, and an
  // existing file is never overwritten.
  closeSync(openSync(dest, 'wx', 0o600));
  try {
    const db = new Database(source, { fileMustExist: true, timeout: 10_000 });
    let pages = 0;
    try {
      const progress = await db.backup(dest, { progress: () => 0x7fffffff });
      pages = progress.totalPages;
    } finally {
      db.close();
    }
    const copy = new Database(dest, { readonly: true, fileMustExist: true });
    try {
      const check = copy.pragma('integrity_check', { simple: true }) as string;
      if (check !== 'ok') throw new Error(`the copy fails PRAGMA integrity_check: ${check}`);
    } finally {
      copy.close();
    }
    return { bytes: statSync(dest).size, pages };
  } catch (error) {
    unlinkSync(dest);
    throw error;
  }
}
