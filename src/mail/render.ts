// Renders any mail template X: templates/email/X.txt and X.html (mustache) with the strings of
// the i18next namespace `email-X` in the mail's locale. The view is the mail's data, helper values
// (localized dates, flags, the site's name) and `s`: every string of the namespace, interpolated
// with the data. The HTML part escapes every value; the text part escapes nothing (it is not HTML).
import Mustache from 'mustache';
import type { Locale } from '../domain/types.js';
import { i18nInstance, translator } from '../i18n/index.js';
import { templatesDir, TemplateStore } from '../render/templates.js';

export interface MailToRender {
  siteId: string;
  template: string;
  locale: Locale;
  data: Record<string, unknown>;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface MailRendererOptions {
  /** Per-site folders whose files override templates/ by path, e.g. `<dir>/email/notification.html`. */
  siteTemplateDirs?: Record<string, string | undefined>;
  /** Site names, added to the view as `siteName` when the data has none. */
  siteNames?: Record<string, string>;
  /** Time zone of the dates written in mails; default: the server's. */
  timeZone?: string;
}

const pluralSuffix = /_(zero|one|two|few|many|other)$/;

/** Dotted key paths of a resource bundle, plural forms folded into their base key. */
export function bundleKeys(bundle: Record<string, unknown>, prefix = ''): string[] {
  const keys = new Set<string>();
  for (const [key, value] of Object.entries(bundle)) {
    const path = `${prefix}${key}`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const k of bundleKeys(value as Record<string, unknown>, `${path}.`)) keys.add(k);
    } else {
      keys.add(path.replace(pluralSuffix, '').replace(/_ordinal$/, ''));
    }
  }
  return [...keys];
}

function setPath(target: Record<string, unknown>, path: string, value: string): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    node = (typeof next === 'object' && next !== null ? next : (node[part] = {})) as Record<string, unknown>;
  }
  node[parts[parts.length - 1] ?? path] = value;
}

// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001f\u007f\u2028\u2029]+/g;

/** Header values must be one line: CR, LF and other control characters become spaces. */
export function oneLineHeader(value: string): string {
  return value.replace(controlCharacters, ' ').replace(/\s+/g, ' ').trim();
}

const isoDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Adds, next to every ISO date in a field named `...At`, the same date written for people in
 * the locale (`createdAt` -> `createdAtText`), at every depth (lists of comments included), and
 * `is.<field>.<value>` flags for short word values so templates can pick a sentence per value.
 */
function withHelpers(data: Record<string, unknown>, format: Intl.DateTimeFormat): Record<string, unknown> {
  const out: Record<string, unknown> = { ...data };
  const is: Record<string, Record<string, true>> = {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof value === 'string' && key.endsWith('At') && isoDate.test(value)) {
      out[`${key}Text`] = format.format(new Date(value));
    } else if (typeof value === 'string' && /^[a-z][a-z_]{0,30}$/.test(value)) {
      is[key] = { [value]: true };
    } else if (Array.isArray(value)) {
      out[key] = value.map((v: unknown) =>
        v !== null && typeof v === 'object' && !Array.isArray(v) ? withHelpers(v as Record<string, unknown>, format) : v,
      );
    }
  }
  if (Object.keys(is).length) out.is = is;
  return out;
}

export class MailRenderer {
  private readonly stores = new Map<string, TemplateStore>();

  constructor(private readonly options: MailRendererOptions = {}) {}

  private store(siteId: string): TemplateStore {
    const dir = this.options.siteTemplateDirs?.[siteId];
    const key = dir ?? '';
    let store = this.stores.get(key);
    if (!store) {
      store = new TemplateStore(dir ? [dir, templatesDir] : [templatesDir]);
      this.stores.set(key, store);
    }
    return store;
  }

  /** The view a template sees; exported for `epistle mail preview` and the tests. */
  view(mail: MailToRender): Record<string, unknown> {
    const ns = `email-${mail.template}`;
    const format = new Intl.DateTimeFormat(mail.locale, {
      dateStyle: 'long',
      timeStyle: 'short',
      ...(this.options.timeZone ? { timeZone: this.options.timeZone } : {}),
    });
    const siteName = this.options.siteNames?.[mail.siteId];
    const values = withHelpers({ ...(siteName !== undefined ? { siteName } : {}), ...mail.data, locale: mail.locale }, format);
    const i18n = i18nInstance();
    const keys = new Set([
      ...bundleKeys((i18n.getResourceBundle('en', ns) as Record<string, unknown> | undefined) ?? {}),
      ...bundleKeys((i18n.getResourceBundle(mail.locale, ns) as Record<string, unknown> | undefined) ?? {}),
    ]);
    if (!keys.has('subject')) throw new Error(`no strings for mail template "${mail.template}" (locales/<lng>/${ns}.json with a subject)`);
    const t = translator(mail.locale, ns);
    // Data goes in `replace` so that a field named like an i18next option (lng, context...) stays data.
    const count = typeof values.count === 'number' ? { count: values.count } : {};
    const s: Record<string, unknown> = {};
    for (const key of keys) setPath(s, key, t(key, { replace: values, ...count }));
    return { ...values, s };
  }

  render(mail: MailToRender): RenderedMail {
    const store = this.store(mail.siteId);
    const view = this.view(mail);
    const partials = (ext: string) => (name: string) => store.source(`email/${name}.partial.${ext}`);
    const text = Mustache.render(store.source(`email/${mail.template}.txt`), view, partials('txt'), { escape: (v: string) => v });
    const html = Mustache.render(store.source(`email/${mail.template}.html`), view, partials('html'));
    const raw = (view.s as { subject?: unknown }).subject;
    const subject = oneLineHeader(typeof raw === 'string' ? raw : '');
    return { subject, text, html };
  }
}
