// Every string a person reads comes from locales/<lng>/<namespace>.json through this module.
// Resources are read from disk once, at start; a missing key is a test failure
// (test/unit/locales.test.ts), and at run time falls back to English.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n, type TFunction } from 'i18next';
import type { Locale } from '../domain/types.js';

export const locales: Locale[] = ['en', 'fr', 'de'];
export const localesDir = fileURLToPath(new URL('../../locales/', import.meta.url));

export type Translate = TFunction;

export function loadResources(dir = localesDir): Record<string, Record<string, Record<string, unknown>>> {
  const resources: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const lng of locales) {
    resources[lng] = {};
    for (const file of readdirSync(`${dir}/${lng}`).filter((f) => f.endsWith('.json'))) {
      resources[lng][file.replace(/\.json$/, '')] = JSON.parse(readFileSync(`${dir}/${lng}/${file}`, 'utf8')) as Record<string, unknown>;
    }
  }
  return resources;
}

let instance: i18n | undefined;

export function i18nInstance(): i18n {
  if (!instance) {
    const resources = loadResources();
    instance = i18next.createInstance();
    void instance.init({
      resources,
      lng: 'en',
      fallbackLng: 'en',
      supportedLngs: locales,
      ns: Object.keys(resources.en ?? {}),
      defaultNS: 'common',
      initAsync: false,
      interpolation: { escapeValue: false },
      returnNull: false,
      // Its console banner is a stray line among the JSON logs, and on a test file's stdout it
      // corrupts node:test's result stream ("Unable to deserialize cloned data").
      showSupportNotice: false,
    });
  }
  return instance;
}

export function translator(locale: string, ns?: string): Translate {
  return i18nInstance().getFixedT(pickLocale(locale), ns);
}

export function pickLocale(value: string | undefined): Locale {
  const base = (value ?? '').toLowerCase().split(/[-_]/)[0];
  return (locales as string[]).includes(base ?? '') ? (base as Locale) : 'en';
}

/** The first supported language of an Accept-Language header, or undefined. */
export function fromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase().split('-')[0] ?? '', q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.map((r) => r.tag).find((t): t is Locale => (locales as string[]).includes(t));
}
