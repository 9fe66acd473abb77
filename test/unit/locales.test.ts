// Guards "every string a person reads exists in every language": the locale files agree with each
// other (keys, plural forms, interpolation variables, no empty strings), and every literal key the
// code or an email template uses exists. The first group proves each check fails when it should.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { errorCodes } from '../../src/domain/errors.js';
import { loadResources, locales } from '../../src/i18n/index.js';
import { templatesDir } from '../../src/render/templates.js';
import { auditBundles, findCodeKeys, findTemplateKeys, hasKey, type Bundles, type KeyUse } from '../support/locale-audit.js';

const root = join(import.meta.dirname, '..', '..');
const bundles: Bundles = loadResources();
const namespaces = [...new Set(Object.values(bundles).flatMap((b) => Object.keys(b)))];

function sourceFiles(dir: string): Array<{ path: string; text: string }> {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f))
    .filter((f) => !f.includes(join('src', 'db', 'generated')))
    .map((f) => ({ path: relative(root, f), text: readFileSync(f, 'utf8') }));
}

function emailTemplates(): Array<{ name: string; text: string }> {
  const dir = join(templatesDir, 'email');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt') || f.endsWith('.html'))
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

/** Uses whose key some locale lacks, as "file:line ns:key (missing in fr, de)". */
function unknownKeys(uses: KeyUse[]): string[] {
  return uses.flatMap((u) => {
    const lacking = locales.filter((l) => !hasKey(bundles[l]?.[u.ns], u.key));
    return lacking.length ? [`${u.file}:${u.line} ${u.ns}:${u.key} (missing in ${lacking.join(', ')})`] : [];
  });
}

describe('the locale checks catch what they are for', () => {
  const sample = (fr: Record<string, unknown>): Bundles => ({
    en: { ns: { a: 'A {{x}}', n_one: '{{count}} item', n_other: '{{count}} items' } },
    fr: { ns: fr },
  });

  test('complete, consistent files pass (French may write "one" without the count)', () => {
    assert.deepEqual(
      auditBundles(sample({ a: 'A fr {{x}}', n_one: 'un élément', n_other: '{{count}} éléments', n_many: '{{count}} d’éléments' })),
      [],
    );
  });

  test('a missing key, a missing plural form, an empty string and other variables are reported', () => {
    const problems = auditBundles(sample({ n_other: '{{count}} éléments' })).join('\n');
    assert.match(problems, /fr: ns:a is missing \(en has it\)/);
    assert.match(problems, /fr: ns:n lacks its plural form "n_one"/);
    assert.match(auditBundles(sample({ a: ' ', n_one: 'un', n_other: 'x' })).join('\n'), /fr: ns:a is empty/);
    assert.match(
      auditBundles(sample({ a: 'A {{y}}', n_one: 'un', n_other: 'x' })).join('\n'),
      /ns:a uses \{\{y\}\} in fr but \{\{x\}\} in en/,
    );
    assert.match(auditBundles({ en: { ns: { a: 'x' } }, de: {} }).join('\n'), /locales\/de\/ns\.json is missing/);
    assert.match(auditBundles({ en: { ns: { a_few: 'x', a_other: 'y' } } }).join('\n'), /a_few is not a plural form of en/);
  });

  test('keys used in code and templates are found with their namespace', () => {
    const code = [
      "const t = translator(site.locale, 'form');\nt('pending'); t(`back`); t(dynamic);\nconst u = translator(pickLocale(x), 'errors');\nu('not_found', { a: 1 });\nconst v = translator(l);\nv('hello');",
    ];
    const uses = findCodeKeys([{ path: 'x.ts', text: code[0] ?? '' }], ['form', 'errors', 'common']).map((u) => `${u.ns}:${u.key}`);
    assert.deepEqual(uses.sort(), ['common:hello', 'errors:not_found', 'form:back', 'form:pending']);
    const tpl = findTemplateKeys([{ name: 'digest.html', text: '{{s.intro}} {{#s.more}}{{{s.labels.page}}}{{/s.more}} {{author}}' }]);
    assert.deepEqual(
      tpl.map((u) => `${u.ns}:${u.key}`),
      ['email-digest:intro', 'email-digest:more', 'email-digest:labels.page', 'email-digest:more'],
    );
    assert.equal(hasKey({ n_one: 'a', n_other: 'b', o: { p: 'q' } }, 'n'), true);
    assert.equal(hasKey({ o: { p: 'q' } }, 'o'), true);
    assert.equal(hasKey({ o: { p: 'q' } }, 'p'), false);
  });
});

describe('locales', () => {
  test('every locale has every namespace file and every key another has, with the same variables and no empty text', () => {
    assert.deepEqual(Object.keys(bundles).sort(), [...locales].sort());
    assert.deepEqual(auditBundles(bundles), []);
  });

  test('every literal key the code passes to a translator exists in every locale', () => {
    const uses = findCodeKeys(sourceFiles(join(root, 'src')), namespaces);
    assert.ok(uses.length >= 10, `found only ${uses.length} translated keys in src/: the scan is broken`);
    assert.deepEqual(unknownKeys(uses), []);
  });

  test('every {{s.key}} of an email template exists in its namespace email-<template>, with a subject', () => {
    const templates = emailTemplates();
    const uses = findTemplateKeys(templates);
    assert.deepEqual(unknownKeys(uses), []);
    const names = new Set(templates.filter((t) => !t.name.includes('.partial.')).map((t) => t.name.replace(/\.[^.]+$/, '')));
    for (const name of names) {
      for (const l of locales) assert.ok(hasKey(bundles[l]?.[`email-${name}`], 'subject'), `${l}: email-${name}.json has no subject`);
    }
  });

  test('every domain error code has a message in every locale', () => {
    const missing = errorCodes.flatMap((code) =>
      locales.filter((l) => !hasKey(bundles[l]?.errors, code)).map((l) => `${l}: errors:${code}`),
    );
    assert.deepEqual(missing, []);
  });

  test('every reason an invalid field is reported with has a message in every locale', () => {
    const reasons = new Set(
      sourceFiles(join(root, 'src', 'domain')).flatMap((f) =>
        [...f.text.matchAll(/new DomainError\(\s*'invalid_field'[^;]*?\breason:\s*'(\w+)'/g)].map((m) => m[1] ?? ''),
      ),
    );
    assert.ok(reasons.size > 0, 'no reasons found: the scan is broken');
    const missing = [...reasons].flatMap((r) =>
      locales.filter((l) => !hasKey(bundles[l]?.errors, `invalid_field_detail.${r}`)).map((l) => `${l}: ${r}`),
    );
    assert.deepEqual(missing, []);
  });

  test('every field an error names has a name in every locale (a French message says "nom", not "author")', () => {
    const fields = new Set(
      sourceFiles(join(root, 'src', 'domain')).flatMap((f) => [...f.text.matchAll(/\bfield:\s*'(\w+)'/g)].map((m) => m[1] ?? '')),
    );
    assert.ok(fields.size > 0, 'no fields found: the scan is broken');
    const missing = [...fields].flatMap((name) =>
      locales.filter((l) => !hasKey(bundles[l]?.errors, `fields.${name}`)).map((l) => `${l}: ${name}`),
    );
    assert.deepEqual(missing, []);
  });
});
