// Opens the PostgreSQL pool. Imported by client.ts only for a postgres:// URL, so a SQLite
// deployment never loads pg.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './tables.js';

const timestampWithoutZone = 1114;
const int8 = 20;

// The schema's DateTime columns are TIMESTAMP(3) without time zone, holding UTC (as Prisma wrote
// them). pg would read them as local time and write a Date as local time with an offset that
// PostgreSQL ignores for such a column, so both directions are pinned to UTC here, per pool
// (pg's own switch for input dates is process-wide).
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === timestampWithoutZone) return (value: string) => new Date(`${value.replace(' ', 'T')}Z`);
    // BIGINT (RateLimit.windowStart, count(*)): epoch milliseconds and counts fit a number.
    if (oid === int8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

function utc(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

export function openPostgres(url: string): Kysely<DB> {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000, types });
  // An idle client losing its server emits 'error' on the pool; without a listener it would
  // crash the process. The next query gets a fresh connection.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (text: unknown, values?: unknown) => unknown;
    (client as { query: unknown }).query = (text: unknown, values?: unknown) =>
      query(text, Array.isArray(values) ? values.map(utc) : values);
  });
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}
