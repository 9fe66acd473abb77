// EPISTLE_<SECTION>_<KEY> environment variables override the file, e.g. EPISTLE_DATABASE_URL or
// EPISTLE_SITES_BLOG_RATE_LIMIT_PER_MINUTE. A value is read as a TOML value when it parses as one
// (numbers, booleans, ["arrays"]); list keys also take comma-separated text; anything else is a string.
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { sectionSchemas, siteSchema } from './schema.js';

type Table = Record<string, unknown>;

/** Variables with the prefix that are not overrides: the config path and test-harness settings. */
const reserved = (name: string) => name === 'EPISTLE_CONFIG' || name.startsWith('EPISTLE_TEST_');

function isList(schema: z.ZodType): boolean {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s instanceof z.ZodArray;
}

function coerce(raw: string, list: boolean): unknown {
  try {
    return (parseToml(`v = ${raw}`) as { v: unknown }).v;
  } catch {
    return list
      ? raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : raw;
  }
}

export function applyEnvOverrides(table: Table, env: NodeJS.ProcessEnv): string[] {
  const applied: string[] = [];
  const sections = [...Object.keys(sectionSchemas), 'sites'];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('EPISTLE_') || value === undefined || reserved(name)) continue;
    const rest = name.slice('EPISTLE_'.length).toLowerCase();
    const section = sections.find((s) => rest.startsWith(`${s}_`));
    if (!section) {
      const known = sections.map((s) => `EPISTLE_${s.toUpperCase()}_<KEY>`).join(', ');
      throw new ConfigError(name, 'this variable names no configuration section', `use one of ${known}, or unset it`);
    }
    let target: Table;
    let key: string;
    let shape: Record<string, z.ZodType>;
    if (section === 'sites') {
      const sites = (table.sites ??= {}) as Table;
      const tail = rest.slice('sites_'.length);
      const siteId = Object.keys(sites)
        .sort((a, b) => b.length - a.length)
        .find((id) => tail.startsWith(`${id.toLowerCase().replace(/-/g, '_')}_`));
      if (!siteId) {
        throw new ConfigError(
          name,
          'names no site declared in the configuration file',
          'declare the site as [sites.<id>] in the file first',
        );
      }
      target = sites[siteId] as Table;
      key = tail.slice(siteId.length + 1);
      shape = siteSchema.shape;
    } else {
      target = (table[section] ??= {}) as Table;
      key = rest.slice(section.length + 1);
      shape = sectionSchemas[section as keyof typeof sectionSchemas].shape;
    }
    const field = shape[key];
    if (!field) {
      throw new ConfigError(name, `[${section}] has no key "${key}"`, `known keys: ${Object.keys(shape).join(', ')}`);
    }
    target[key] = coerce(value, isList(field));
    applied.push(name);
  }
  return applied;
}
