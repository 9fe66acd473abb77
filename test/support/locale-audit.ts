// The checks behind test/unit/locales.test.ts, as plain functions over data so that the test can
// also prove each check fails on a broken sample. Deliberately simple: regular expressions over
// source text, no TypeScript parsing. What it cannot see (keys built at run time, translators
// passed around as parameters) it skips; docs/localization.md says so.

/** locale -> namespace -> the parsed JSON file. */
export type Bundles = Record<string, Record<string, Record<string, unknown>>>;

const pluralForms = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;
const pluralSuffix = new RegExp(`_(${pluralForms.join('|')})$`);

/** Leaf paths ("a.b.c") and their values. */
export function flatten(tree: Record<string, unknown>, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(tree)) {
    const path = `${prefix}${key}`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of flatten(value as Record<string, unknown>, `${path}.`)) out.set(k, v);
    } else {
      out.set(path, value);
    }
  }
  return out;
}

/** "count_one" -> family "count", form "one"; a key without a plural suffix is its own family. */
export function splitPlural(key: string): { family: string; form?: string } {
  const m = pluralSuffix.exec(key);
  return m?.[1] ? { family: key.slice(0, m.index), form: m[1] } : { family: key };
}

/** Interpolation variables of an i18next string: {{name}}, {{- name}}, {{name, format}}. */
export function variables(text: string): string[] {
  const names = [...text.matchAll(/\{\{-?\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g)].map((m) => m[1] ?? '');
  return [...new Set(names)].sort();
}

interface Family {
  forms: Set<string> | null;
  values: Map<string, unknown>;
}

function families(bundle: Record<string, unknown>): Map<string, Family> {
  const out = new Map<string, Family>();
  for (const [key, value] of flatten(bundle)) {
    const { family, form } = splitPlural(key);
    const entry = out.get(family) ?? { forms: form ? new Set<string>() : null, values: new Map<string, unknown>() };
    if (form) (entry.forms ??= new Set()).add(form);
    entry.values.set(key, value);
    out.set(family, entry);
  }
  return out;
}

/** Forms a language must have: those integer counts up to 1000 select (French "many" starts at a million). */
export function requiredForms(locale: string): Set<string> {
  const rules = new Intl.PluralRules(locale);
  const forms = new Set<string>();
  for (let n = 0; n <= 1000; n++) forms.add(rules.select(n));
  return forms;
}

/** Forms a language may have: its own categories, and i18next's special "zero". */
export function allowedForms(locale: string): Set<string> {
  return new Set([...new Intl.PluralRules(locale).resolvedOptions().pluralCategories, 'zero']);
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Everything wrong with the locale files, one sentence each; empty when they are complete. */
export function auditBundles(bundles: Bundles): string[] {
  const problems: string[] = [];
  const locales = Object.keys(bundles);
  const namespaces = [...new Set(locales.flatMap((l) => Object.keys(bundles[l] ?? {})))].sort();
  for (const ns of namespaces) {
    const byLocale = new Map<string, Map<string, Family>>();
    for (const locale of locales) {
      const bundle = bundles[locale]?.[ns];
      if (!bundle) problems.push(`${locale}: locales/${locale}/${ns}.json is missing`);
      else byLocale.set(locale, families(bundle));
    }
    const all = [...new Set([...byLocale.values()].flatMap((f) => [...f.keys()]))].sort();
    for (const name of all) {
      const present = [...byLocale.entries()].filter(([, f]) => f.has(name));
      for (const [locale] of byLocale) {
        if (!byLocale.get(locale)?.has(name)) {
          problems.push(
            `${locale}: ${ns}:${name} is missing (${present.map(([l]) => l).join(', ')} ha${present.length > 1 ? 've' : 's'} it)`,
          );
        }
      }
      let reference: { locale: string; vars: string[] } | undefined;
      for (const [locale, fams] of present) {
        const family = fams.get(name);
        if (!family) continue;
        for (const [key, value] of family.values) {
          if (typeof value !== 'string') problems.push(`${locale}: ${ns}:${key} is not text`);
          else if (value.trim() === '') problems.push(`${locale}: ${ns}:${key} is empty`);
        }
        if (family.forms) {
          for (const form of requiredForms(locale)) {
            if (!family.forms.has(form)) problems.push(`${locale}: ${ns}:${name} lacks its plural form "${name}_${form}"`);
          }
          for (const form of family.forms) {
            if (!allowedForms(locale).has(form)) problems.push(`${locale}: ${ns}:${name}_${form} is not a plural form of ${locale}`);
          }
        }
        // A plural family's forms may differ in whether they write the count ("one comment").
        const vars = [...new Set([...family.values.values()].flatMap((v) => (typeof v === 'string' ? variables(v) : [])))]
          .filter((v) => !(family.forms && v === 'count'))
          .sort();
        if (!reference) reference = { locale, vars };
        else if (!sameSet(reference.vars, vars)) {
          problems.push(
            `${ns}:${name} uses {{${vars.join('}}, {{')}}} in ${locale} but {{${reference.vars.join('}}, {{')}}} in ${reference.locale}`,
          );
        }
      }
      const kinds = new Set(present.map(([, f]) => (f.get(name)?.forms ? 'plural' : 'plain')));
      if (kinds.size > 1) problems.push(`${ns}:${name} is plural in some locales and plain in others`);
    }
  }
  return problems;
}

/** Whether `key` names a string (or a plural family, or an object of strings) in `bundle`. */
export function hasKey(bundle: Record<string, unknown> | undefined, key: string): boolean {
  if (!bundle) return false;
  for (const leaf of flatten(bundle).keys()) {
    const { family } = splitPlural(leaf);
    if (leaf === key || family === key || leaf.startsWith(`${key}.`)) return true;
  }
  return false;
}

export interface KeyUse {
  file: string;
  line: number;
  ns: string;
  key: string;
}

const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** The text between the parenthesis at `open` and its partner, split at top-level commas. */
function callArguments(text: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) {
        args.push(text.slice(start, i).trim());
        return args;
      }
    } else if (c === ',' && depth === 1) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  return args;
}

const literal = /^(['"`])([^'"`$\\]*)\1$/;

/**
 * Literal keys passed to translators in TypeScript source: `const t = translator(locale, 'ns')`
 * binds `t` to `ns` (no namespace: "common") until the next binding of that name in the file, and
 * `t('key')` is a use of ns:key. Keys built at run time and translators received as parameters are
 * not seen.
 */
export function findCodeKeys(files: Array<{ path: string; text: string }>, namespaces: string[]): KeyUse[] {
  const uses: KeyUse[] = [];
  for (const { path, text } of files) {
    const bindings: Array<{ name: string; ns: string | null; at: number }> = [];
    for (const m of text.matchAll(/\btranslator\(/g)) {
      const open = (m.index ?? 0) + m[0].length - 1;
      const nsArg = callArguments(text, open)[1];
      const ns = nsArg === undefined ? 'common' : (literal.exec(nsArg)?.[2] ?? null);
      const assigned = /(\w+)\s*(?::\s*[\w<>]+\s*)?=\s*$/.exec(text.slice(Math.max(0, (m.index ?? 0) - 80), m.index));
      if (assigned?.[1]) bindings.push({ name: assigned[1], ns, at: m.index ?? 0 });
    }
    for (const name of new Set(bindings.map((b) => b.name))) {
      for (const call of text.matchAll(new RegExp(`(?<![\\w.])${name}\\(`, 'g'))) {
        const at = call.index ?? 0;
        const binding = bindings.filter((b) => b.name === name && b.at < at).at(-1);
        if (!binding?.ns) continue;
        const first = callArguments(text, at + call[0].length - 1)[0] ?? '';
        const key = literal.exec(first)?.[2];
        if (key === undefined) continue;
        const prefixed = /^([\w-]+):(.+)$/.exec(key);
        const [ns, k] = prefixed?.[1] && prefixed[2] && namespaces.includes(prefixed[1]) ? [prefixed[1], prefixed[2]] : [binding.ns, key];
        uses.push({ file: path, line: lineAt(text, at), ns, key: k });
      }
    }
  }
  return uses;
}

/**
 * `{{s.key}}` (also `{{{s.key}}}`, `{{#s.key}}`, `{{^s.key}}`) in templates/email/X.txt and X.html
 * are keys of the namespace `email-X`; a partial's keys count for every template including it.
 */
export function findTemplateKeys(files: Array<{ name: string; text: string }>): KeyUse[] {
  const uses: KeyUse[] = [];
  const byName = new Map(files.map((f) => [f.name, f.text]));
  for (const { name, text } of files) {
    if (name.includes('.partial.')) continue;
    const template = name.replace(/\.[^.]+$/, '');
    const ext = name.slice(name.lastIndexOf('.'));
    const sources = [{ file: name, text }];
    for (const p of text.matchAll(/\{\{>\s*([\w-]+)\s*\}\}/g)) {
      const partial = `${p[1]}.partial${ext}`;
      sources.push({ file: partial, text: byName.get(partial) ?? '' });
    }
    for (const source of sources) {
      for (const m of source.text.matchAll(/\{\{\{?\s*[#^/]?\s*s\.([\w.-]+)\s*\}?\}\}/g)) {
        uses.push({
          file: `templates/email/${source.file}`,
          line: lineAt(source.text, m.index ?? 0),
          ns: `email-${template}`,
          key: m[1] ?? '',
        });
      }
    }
  }
  return uses;
}
