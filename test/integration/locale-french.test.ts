// Issue 4's acceptance: switching a site's locale to French makes everything a person reads for
// that site French, with no English left: API errors, the form's error page and pending notice,
// and the notification, confirmation and help mails produced by the real use cases.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { SqlInboundStore } from '../../src/db/inbound-store.js';
import { handleReply } from '../../src/domain/moderation/handle-reply.js';
import type { InboundReply, ReplyCommand } from '../../src/domain/moderation/inbound-reply.js';
import { pageUrl, postForm, postJson, startTestApp, type TestApp } from '../support/app.js';

const strings = (lng: string, ns: string) => JSON.parse(readFileSync(`locales/${lng}/${ns}.json`, 'utf8'));

/** The literal parts (between {{placeholders}}) of every English string of a namespace, long enough to be telling. */
function englishFragments(ns: string): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string')
      out.push(
        ...v
          .split(/\{\{[^}]*\}\}|\$t\([^)]*\)/)
          .map((p) => p.trim())
          .filter((p) => p.length >= 14),
      );
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(strings('en', ns));
  const french = JSON.stringify(strings('fr', ns));
  return out.filter((fragment) => !french.includes(fragment)); // shared words (URLs, "spam") are not English
}

const unescapeHtml = (html: string) =>
  html
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)))
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

function assertNoEnglish(text: string, ns: string, what: string) {
  for (const fragment of englishFragments(ns)) assert.ok(!text.includes(fragment), `${what} still has English: "${fragment}"`);
}

describe('a site switched to French', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp((t) => {
      t.sites.demo.locale = 'fr';
    });
  });
  after(() => app.stop());

  test('API errors are French', async () => {
    const res = await postJson(app, '/api/sites/demo/comments', { url: pageUrl, body: 'Bonjour' });
    const { error } = (await res.json()) as { error: { message: string } };
    const fr = strings('fr', 'errors');
    assert.equal(error.message, `${fr.invalid_field.replace('{{field}}', fr.fields.author)} ${fr.invalid_field_detail.author_required}`);
    assertNoEnglish(error.message, 'errors', 'the API error');
  });

  test('the form error page is French and keeps what was typed', async () => {
    const res = await postForm(app, '/api/sites/demo/comments', { url: pageUrl, author: '', body: 'Mon texte' });
    assert.equal(res.status, 422);
    const html = unescapeHtml(await res.text());
    assert.match(html, /<html lang="fr">/);
    assert.ok(html.includes(strings('fr', 'form').error_title));
    assert.ok(html.includes('Mon texte'));
    assertNoEnglish(html, 'form', 'the form error page');
    assertNoEnglish(html, 'errors', 'the form error page');
  });

  test('the page with the form shows the French pending notice', async () => {
    const html = unescapeHtml(await (await fetch(`${app.url}/demo`)).text());
    assert.ok(html.includes(strings('fr', 'form').pending));
    assertNoEnglish(html, 'form', 'the demo page');
  });

  test('notification, confirmation and help mails are French', async () => {
    const post = await postJson(app, '/api/sites/demo/comments', { url: pageUrl, author: 'Ann', body: 'Bonjour à tous' });
    const { id } = (await post.json()) as { id: number };
    const comment = await app.services.store.findComment(id);
    assert.ok(comment);

    const inbound = new SqlInboundStore(app.services.database.db);
    const deps = { ...app.services, answers: inbound, processed: inbound, confirmations: true };
    const reply = (n: number, command: ReplyCommand): InboundReply => ({
      messageId: `<fr-${n}@example.test>`,
      references: [],
      from: 'owner@example.test',
      reference: { commentId: id, token: comment.token },
      automatic: null,
      command,
      verifyDkim: () => Promise.resolve({ pass: true, domain: 'example.test' }),
    });
    await handleReply(deps, reply(1, { kind: 'unknown', received: 'peut-être' }));
    await handleReply(deps, reply(2, { kind: 'approve' }));

    const rows = await app.services.database.db.selectFrom('Outbox').selectAll().orderBy('id', 'asc').execute();
    assert.deepEqual(
      rows.map((r) => r.kind),
      ['notification', 'help', 'confirmation'],
    );
    for (const row of rows) {
      const payload = JSON.parse(row.payload);
      assert.equal(payload.locale, 'fr', `${row.kind} is queued in the site's language`);
      const mail = app.services.mailRenderer.render({
        siteId: row.siteId,
        template: payload.template,
        locale: payload.locale,
        data: payload.data,
      });
      const fr = strings('fr', `email-${payload.template}`);
      const subjectWords = String(fr.subject)
        .split(/\{\{[^}]*\}\}/)
        .map((p: string) => p.trim())
        .sort((a: string, b: string) => b.length - a.length)[0];
      assert.ok(subjectWords && mail.subject.includes(subjectWords), `${row.kind} subject "${mail.subject}" is the French one`);
      for (const part of [mail.subject, mail.text, mail.html]) assertNoEnglish(part, `email-${payload.template}`, `the ${row.kind} mail`);
    }
  });
});
