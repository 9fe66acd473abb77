// Queries built and compiled once, run many times. Kysely rebuilds and recompiles a query on every
// call (immutable builders, a tree walk per query): measured on the bench machine that was about
// five times the cost of the SQLite statements themselves for a comment's transaction. The hot
// queries (intake, page versions, threads, the outbox) are written with the same typed builder,
// with param() where values go, compiled on first use and then only bound.
import { CompiledQuery, type Compilable } from 'kysely';

const marker = Symbol('prepared parameter');

interface Marker {
  [marker]: string;
}

function isMarker(value: unknown): value is Marker {
  return typeof value === 'object' && value !== null && marker in value;
}

/** Stands for the parameter `name` (typed as the column it is compared with or written to). */
export function param<T>(name: string): T {
  return { [marker]: name } as unknown as T;
}

export type Prepared<P, R> = (params: P) => CompiledQuery<R>;

/**
 * Compiles `query` once (on the first call: the dialect's placeholders differ) and returns a
 * binder. Values that are not param() stay as compiled (constants of the query).
 */
export function prepare<P extends Record<string, unknown>, R>(build: () => Compilable<R>): Prepared<P, R> {
  let compiled: { sql: string; parameters: readonly unknown[] } | undefined;
  return (params) => {
    compiled ??= build().compile();
    const parameters = compiled.parameters.map((v) => {
      if (!isMarker(v)) return v;
      const name = v[marker];
      if (!(name in params)) throw new Error(`prepared query: no value for ${name}`);
      return params[name];
    });
    return CompiledQuery.raw(compiled.sql, parameters);
  };
}
