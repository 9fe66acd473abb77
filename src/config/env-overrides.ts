// EPISTLE_<SECTION>_<KEY> environment variables override the file, e.g. EPISTLE_DATABASE_URL or
// EPISTLE_SITES_BLOG_RATE_LIMIT_PER_MINUTE. A value is read as the key's type: text keys keep the
// text as it is (a password "123456" stays text), numbers and booleans are read as TOML values,
// list keys take a TOML array or comma-separated text.
import { parse as parseToml } from 'smol-toml';
import type { z } from 'zod';
import { ConfigError } from './errors.js';
import { sectionSchemas, siteSchema } from './schema.js';
import { closest, kindOf } from './schema-shape.js';

type Table = Record<string, unknown>;

/** Variables with the prefix that are not overrides: the config path and test-harness settings. */
const reserved = (name: string) => name === 'EPISTLE_CONFIG' || name.startsWith('EPISTLE_TEST_');

/** A variable that replaced a value, and the dotted key it replaced (e.g. "sites.demo.locale"). */
export interface Override {
  variable: string;
  key: string;
}

function coerce(raw: string, kind: string): unknown {
  if (kind === 'string' || kind === 'enum') return raw;
  if (kind === 'array' && !raw.trim().startsWith('[')) {
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  try {
    return (parseToml(`v = ${raw}`) as { v: unknown }).v;
  } catch {
    return raw; // the schema then says what type was expected
  }
}

export function applyEnvOverrides(table: Table, env: NodeJS.ProcessEnv): Override[] {
  const applied: Override[] = [];
  const sections = [...Object.keys(sectionSchemas), 'sites'];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('EPISTLE_') || value === undefined || reserved(name)) continue;
    const rest = name.slice('EPISTLE_'.length).toLowerCase();
    // Longest first, so that a section whose name starts with another's is found.
    const section = [...sections].sort((a, b) => b.length - a.length).find((s) => rest.startsWith(`${s}_`));
    if (!section) {
      const known = sections.map((s) => `EPISTLE_${s.toUpperCase()}_<KEY>`).join(', ');
      const guess = closest(rest.split('_')[0] ?? '', sections);
      const hint = guess ? `did you mean EPISTLE_${guess.toUpperCase()}_...? ` : '';
      throw new ConfigError(name, 'this variable names no configuration section', `${hint}use one of ${known}, or unset it`);
    }
    let target: Table;
    let prefix: string;
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
          `declare the site as [sites.<id>] in the file first (declared: ${Object.keys(sites).join(', ') || 'none'})`,
        );
      }
      target = sites[siteId] as Table;
      prefix = `sites.${siteId}`;
      key = tail.slice(siteId.length + 1);
      shape = siteSchema.shape;
    } else {
      target = (table[section] ??= {}) as Table;
      prefix = section;
      key = rest.slice(section.length + 1);
      shape = sectionSchemas[section as keyof typeof sectionSchemas].shape;
    }
    const field = shape[key];
    if (!field) {
      const guess = closest(key, Object.keys(shape));
      const hint = guess ? `did you mean ${name.slice(0, name.length - key.length)}${guess.toUpperCase()}? ` : '';
      throw new ConfigError(name, `[${prefix}] has no key "${key}"`, `${hint}known keys: ${Object.keys(shape).join(', ')}`);
    }
    if (typeof target !== 'object' || target === null) continue; // not a table in the file: validation says so
    target[key] = coerce(value, kindOf(field));
    applied.push({ variable: name, key: `${prefix}.${key}` });
  }
  return applied;
}
