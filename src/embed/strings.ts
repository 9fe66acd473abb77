// The reader's strings, from locales/<lng>/ through the server (one JSON per site and language,
// cached by the browser): keys are checked against the English files at compile time.
import type embed from '../../locales/en/embed.json';
import type form from '../../locales/en/form.json';
import type { EmbedFormKey } from '../i18n/embed-keys';

export type Key = keyof typeof embed | (EmbedFormKey & keyof typeof form);
type Plural<K> = K extends `${infer Family}_${'zero' | 'one' | 'two' | 'few' | 'many' | 'other'}` ? Family : never;

export interface Strings {
  lang: string;
  strings: Record<Key, string>;
}

export function t(s: Strings, key: Key, vars: Record<string, string | number> = {}): string {
  return s.strings[key].replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(vars[name] ?? ''));
}

export function plural(s: Strings, family: Plural<Key>, count: number): string {
  const key = `${family}_${new Intl.PluralRules(s.lang).select(count)}`;
  return t(s, (key in s.strings ? key : `${family}_other`) as Key, { count });
}

/** The thread's heading, as the server fragment writes it. */
export const heading = (s: Strings, count: number): string => (count ? plural(s, 'count', count) : t(s, 'empty'));
