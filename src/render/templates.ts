// Mustache templates from templates/: {{value}} is HTML-escaped, {{{value}}} is not and is only
// used for HTML that Epistle produced itself (rendered Markdown). Templates are read once.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Mustache from 'mustache';

export const templatesDir = fileURLToPath(new URL('../../templates/', import.meta.url));

export class TemplateStore {
  private readonly cache = new Map<string, string>();

  /** `overrideDirs` are searched first (per-site template directories). */
  constructor(private readonly dirs: string[] = [templatesDir]) {}

  source(name: string): string {
    let text = this.cache.get(name);
    if (text === undefined) {
      const errors: unknown[] = [];
      for (const dir of this.dirs) {
        try {
          text = readFileSync(`${dir}/${name}`, 'utf8');
          break;
        } catch (error) {
          errors.push(error);
        }
      }
      if (text === undefined) throw new Error(`template ${name} not found in ${this.dirs.join(', ')}`, { cause: errors[0] });
      this.cache.set(name, text);
    }
    return text;
  }

  /** Partials ({{> form}}) are read from `<same folder>/<partial>.partial.<same extension>`. */
  render(name: string, view: object): string {
    const folder = name.includes('/') ? name.slice(0, name.lastIndexOf('/') + 1) : '';
    const ext = name.slice(name.lastIndexOf('.'));
    return Mustache.render(this.source(name), view, (partial: string) => this.source(`${folder}${partial}.partial${ext}`));
  }
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
