// Conversions for values whose type the drivers cannot know (aggregates, expressions).
import { parseSqliteTimestamp } from './sqlite-dialect.js';

/** A timestamp from either driver (a Date from pg, stored text from SQLite), or null. */
export function parseTimestamp(value: unknown): Date | null {
  return parseSqliteTimestamp(value);
}
