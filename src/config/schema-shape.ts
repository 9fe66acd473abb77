// Reads the configuration schema itself: which keys a table accepts and what kind of value a key
// takes. Used to suggest a spelling for an unknown key and to read environment values as the key's
// type, so that sections added later get both without extra code.
import { z } from 'zod';
import { configSchema } from './schema.js';

/** The schema under defaults, optionals and the like: what a value is checked against. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let inner = innerOf(s); inner; inner = innerOf(s)) s = inner;
  return s;
}

function innerOf(schema: z.ZodType): z.ZodType | undefined {
  const def = schema._zod.def as { innerType?: z.ZodType };
  return def.innerType;
}

/** "string", "number", "boolean", "array", "enum", "object", "record", ... */
export function kindOf(schema: z.ZodType): string {
  return unwrap(schema)._zod.def.type;
}

/** The schema of the value at `path` in the configuration, or undefined when there is none. */
export function schemaAt(path: readonly PropertyKey[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = configSchema;
  for (const segment of path) {
    if (!s) return undefined;
    const u = unwrap(s);
    if (u instanceof z.ZodObject) s = (u.shape as Record<string, z.ZodType>)[String(segment)];
    else if (u instanceof z.ZodRecord) s = u.valueType as z.ZodType;
    else if (u instanceof z.ZodArray) s = u.element as z.ZodType;
    else return undefined;
  }
  return s;
}

/** Keys the table at `path` accepts (empty when it is not a table with fixed keys). */
export function keysAt(path: readonly PropertyKey[]): string[] {
  const s = schemaAt(path);
  const u = s && unwrap(s);
  return u instanceof z.ZodObject ? Object.keys(u.shape) : [];
}

/** The known key closest to a misspelt one, when it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { key: string; d: number } | undefined;
  for (const key of candidates) {
    const d = distance(word.toLowerCase(), key.toLowerCase());
    if (!best || d < best.d) best = { key, d };
  }
  return best && best.d <= Math.max(1, Math.ceil(word.length / 3)) ? best.key : undefined;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}
