// Turns a schema issue into what a person needs to correct the file: the key, what is wrong with
// it and what to write instead. zod's own wording ("Invalid input") says neither.
import type { z } from 'zod';
import { closest, keysAt } from './schema-shape.js';

export interface Problem {
  key: string;
  problem: string;
  fix: string;
}

const docs = 'docs/configuration.md lists every key';

/** zod's built-in messages; any other message was written in schema.ts and says what to write. */
const builtIn = /^(Invalid|Too (small|big)|Expected|Required)\b/;

const example: Record<string, string> = {
  number: 'a number without quotes, e.g. 5',
  string: 'text in double quotes, e.g. "text"',
  boolean: 'true or false, without quotes',
  array: 'a list, e.g. ["a", "b"]',
};

function kindOfValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (value !== null && typeof value === 'object') return 'a table';
  return typeof value === 'string' ? 'text' : `a ${typeof value}`;
}

function valueAt(table: unknown, path: readonly PropertyKey[]): unknown {
  let v = table;
  for (const segment of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[segment];
  }
  return v;
}

/** `sites.demo` for ['sites', 'demo']; the top level has no name. */
const dotted = (path: readonly PropertyKey[]) => path.map(String).join('.');
const tableName = (path: readonly PropertyKey[]) => (path.length ? `[${dotted(path)}]` : 'the top level');

export function describeIssue(issue: z.core.$ZodIssue, table: unknown): Problem {
  const path = issue.path;
  const key = dotted(path) || '(top level)';
  const custom = !builtIn.test(issue.message);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = keysAt(path);
      const names = issue.keys.map((k) => dotted([...path, k]));
      const guesses = issue.keys.map((k) => closest(k, known)).filter((g): g is string => g !== undefined);
      const hint = guesses.length ? `did you mean ${guesses.map((g) => `"${g}"`).join(', ')}? ` : '';
      return {
        key: names.join(', '),
        problem: `unknown key in ${tableName(path)}`,
        fix: `${hint}remove it or correct its spelling; ${tableName(path)} accepts ${known.join(', ')} (${docs})`,
      };
    }
    case 'invalid_type': {
      const value = valueAt(table, path);
      const isTable = issue.expected === 'object' || issue.expected === 'record';
      const wanted = isTable ? `a table: [${key}]` : (example[issue.expected] ?? `a ${issue.expected}`);
      if (value === undefined) {
        if (dotted(path) === 'sites') {
          return { key, problem: 'no site is declared', fix: 'add a table per site, e.g. [sites.blog] with name and origins' };
        }
        if (isTable) return { key, problem: 'missing', fix: `add a table [${key}]` };
        return { key, problem: 'missing', fix: `add ${String(path.at(-1))} = ... to ${tableName(path.slice(0, -1))} (${wanted})` };
      }
      return { key, problem: `expected ${issue.expected}, found ${kindOfValue(value)}`, fix: `write ${wanted}` };
    }
    case 'invalid_value':
      return { key, problem: 'not an accepted value', fix: `use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` };
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      const numberWord = issue.code === 'too_small' ? 'of at least' : 'of at most';
      if (custom) return { key, problem: issue.code === 'too_small' ? 'too few' : 'too many', fix: issue.message };
      if (issue.origin === 'number') return { key, problem: `out of range`, fix: `use a number ${numberWord} ${String(bound)}` };
      const unit = issue.origin === 'array' ? 'entries' : 'characters';
      return { key, problem: `needs ${word} ${String(bound)} ${unit}`, fix: `write ${word} ${String(bound)} ${unit}` };
    }
    case 'invalid_format':
      if (custom) return { key, problem: 'not in the expected form', fix: issue.message };
      if (issue.format === 'email') return { key, problem: 'not an email address', fix: 'write an address such as "owner@example.com"' };
      if (issue.format === 'url') return { key, problem: 'not a URL', fix: 'write a full URL such as "https://comments.example.com"' };
      if (issue.format === 'regex') return { key, problem: 'not in the expected form', fix: `write a value matching ${issue.pattern}` };
      return { key, problem: `not a valid ${issue.format}`, fix: `see ${docs}` };
    case 'invalid_key': {
      const reason = issue.issues[0]?.message;
      return { key, problem: `"${String(path.at(-1))}" is not an accepted name here`, fix: reason ?? `see ${docs}` };
    }
    case 'custom': {
      const fix = (issue.params as { fix?: unknown } | undefined)?.fix;
      if (typeof fix === 'string') return { key, problem: issue.message, fix };
      return { key, problem: 'not accepted', fix: issue.message };
    }
    default:
      return { key, problem: issue.message, fix: `see ${docs}` };
  }
}
