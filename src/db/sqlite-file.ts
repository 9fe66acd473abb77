// The SQLite database holds readers' email addresses and the comment tokens: its folder and file
// are created owner-only. SQLite gives the -wal and -shm files the database file's mode.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** Creates the folder (0700) and an empty database file (0600) when missing; leaves existing ones as they are. */
export function createSqliteFile(file: string): void {
  if (file === ':memory:') return;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
}
