// Every mail template (whatever templates/email/*.txt holds, so templates added later are covered
// too) rendered in every locale with every sample variant: nothing left unrendered or untranslated,
// reader strings escaped in HTML only, subjects safe as a header; plus per-site overrides.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadResources, locales } from '../../src/i18n/index.js';
import { bundleKeys, MailRenderer } from '../../src/mail/render.js';
import { sampleVariants } from '../../src/mail/samples.js';
import { templatesDir } from '../../src/render/templates.js';

const emailDir = join(templatesDir, 'email');
const templates = readdirSync(emailDir)
  .filter((f) => f.endsWith('.txt') && !f.includes('.partial.'))
  .map((f) => f.slice(0, -'.txt'.length));
const resources = loadResources();
const renderer = new MailRenderer({ siteNames: { blog: 'Example Blog' }, timeZone: 'UTC' });

/** Dotted keys of a namespace in one locale, plural forms folded (subject_one -> subject). */
const keysOf = (lng: string, ns: string) => new Set(bundleKeys(resources[lng]?.[ns] ?? {}));

test('the known templates are all there', () => {
  for (const name of ['notification', 'confirmation', 'help']) assert.ok(templates.includes(name), `templates/email/${name}.txt`);
});

for (const template of templates) {
  describe(`mail template "${template}"`, () => {
    const ns = `email-${template}`;

    test('has an HTML part and strings with a subject in every locale', () => {
      assert.ok(readdirSync(emailDir).includes(`${template}.html`), `templates/email/${template}.html is missing`);
      for (const lng of locales) assert.ok(keysOf(lng, ns).has('subject'), `locales/${lng}/${ns}.json has no subject`);
    });

    test('uses only strings that every locale has', () => {
      const used = new Set<string>();
      for (const ext of ['txt', 'html']) {
        const source = readFileSync(join(emailDir, `${template}.${ext}`), 'utf8');
        for (const m of source.matchAll(/\{\{\{?\s*[#^/]?\s*s\.([\w.]+)/g)) used.add(m[1]!);
      }
      for (const lng of locales) {
        const missing = [...used].filter((k) => !keysOf(lng, ns).has(k));
        assert.deepEqual(missing, [], `locales/${lng}/${ns}.json lacks what the template uses`);
      }
    });

    for (const lng of locales) {
      test(`renders completely in ${lng}`, () => {
        const keys = [...keysOf(lng, ns)].filter((k) => k.includes('.') || k.includes('_'));
        for (const data of sampleVariants(template)) {
          const out = renderer.render({ siteId: 'blog', template, locale: lng, data });
          assert.ok(out.subject.trim().length > 0, 'subject is empty');
          for (const [part, text] of Object.entries(out)) {
            assert.ok(!text.includes('{{') && !text.includes('}}'), `${part} has an unrendered placeholder:\n${text}`);
            const leaked = keys.filter((k) => text.includes(k));
            assert.deepEqual(leaked, [], `${part} shows i18n key names instead of text`);
            assert.ok(!/\bundefined\b|\[object Object\]/.test(text), `${part} shows a missing value:\n${text}`);
          }
          assert.ok(out.text.trim().length > 0 && out.html.includes('</html>'));
          assert.ok(out.html.startsWith('<!doctype html>'), 'the doctype comes first (standards mode in mail clients)');
        }
      });
    }
  });
}

describe('what readers wrote', () => {
  const hostile = {
    siteName: 'Blog',
    pageUrl: 'https://example.com/p/',
    pagePath: '/p/',
    author: 'Eve <script>alert(1)</script>',
    email: 'eve"><img src=x onerror=alert(2)>@example.org',
    website: 'javascript:alert(3)//<b>',
    body: 'Hi <iframe src="//evil"></iframe>\n**bold** & <a href="x">link</a>',
    commentId: 5,
    createdAt: '2026-03-14T09:26:53.000Z',
  };
  const out = renderer.render({ siteId: 'blog', template: 'notification', locale: 'en', data: hostile });

  test('is escaped everywhere in the HTML part', () => {
    for (const tag of ['<script', '<img', '<iframe', '<b>', '<a href="x"']) assert.ok(!out.html.includes(tag), `${tag} got through`);
    assert.ok(!out.html.includes('href="javascript:'), 'a reader website never becomes a link');
    assert.ok(out.html.includes('Eve &lt;script&gt;'));
    assert.ok(out.html.includes('**bold** &amp;'), 'the body is shown as text, not rendered as Markdown');
  });

  test('is kept as written in the text part', () => {
    assert.ok(out.text.includes(hostile.author) && out.text.includes(hostile.body) && out.text.includes(hostile.email));
  });

  test('cannot add header lines through the subject', () => {
    const injected = renderer.render({
      siteId: 'blog',
      template: 'notification',
      locale: 'en',
      data: { ...hostile, author: 'Eve\r\nBcc: all@example.org\nX-Evil: 1' },
    });
    assert.ok(!/[\r\n]/.test(injected.subject), JSON.stringify(injected.subject));
    assert.match(injected.subject, /Eve Bcc: all@example\.org X-Evil: 1/);
  });
});

describe('locale details', () => {
  test('the subject is in the site language and dates are written the local way', () => {
    const data = sampleVariants('notification')[0]!;
    const fr = renderer.render({ siteId: 'blog', template: 'notification', locale: 'fr', data });
    const de = renderer.render({ siteId: 'blog', template: 'notification', locale: 'de', data });
    assert.match(fr.subject, /^\[Example Blog\] Nouveau commentaire de Ann Example sur \/posts\/hello-world\/$/);
    assert.match(de.subject, /^\[Example Blog\] Neuer Kommentar von Ann Example/);
    const when = new Date(String(data.createdAt));
    const format = (lng: string) => new Intl.DateTimeFormat(lng, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(when);
    assert.ok(fr.text.includes(format('fr')) && format('fr').includes('mars'), fr.text);
    assert.ok(de.text.includes(format('de')) && format('de').includes('März'), de.text);
  });

  test('the site name is added when the mail data has none', () => {
    const out = renderer.render({ siteId: 'blog', template: 'help', locale: 'en', data: { commentId: 3, received: 'x' } });
    assert.match(out.subject, /^\[Example Blog\]/);
  });
});

describe('a site template folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'epistle-templates-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('overrides the files it has, by name, and leaves the others', () => {
    mkdirSync(join(dir, 'email'));
    writeFileSync(join(dir, 'email', 'notification.txt'), 'Custom: {{author}} said {{body}} ({{s.subject}})\n');
    const custom = new MailRenderer({ siteTemplateDirs: { blog: dir }, siteNames: { blog: 'Example Blog' } });
    const data = sampleVariants('notification')[0]!;
    const out = custom.render({ siteId: 'blog', template: 'notification', locale: 'en', data });
    assert.equal(out.text, `Custom: Ann Example said ${String(data.body)} (${out.subject})\n`);
    assert.equal(out.html, renderer.render({ siteId: 'blog', template: 'notification', locale: 'en', data }).html);
    const other = custom.render({ siteId: 'other', template: 'notification', locale: 'en', data });
    assert.ok(other.text.startsWith('Ann Example wrote a comment'), 'another site keeps the default');
  });
});
