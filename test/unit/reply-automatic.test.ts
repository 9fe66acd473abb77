// Machine-sent mail is recognized by its headers or its subject and is never taken as a command.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detectAutomatic, type HeaderLine } from '../../src/mail/reply/automatic.js';

const h = (key: string, value: string): HeaderLine => ({ key, value });
const person = [
  h('from', 'Owner <owner@example.test>'),
  h('content-type', 'text/plain; charset=utf-8'),
  h('return-path', '<owner@example.test>'),
];

describe('automatic mail', () => {
  test('a person reply is not automatic, even with Auto-Submitted: no', () => {
    assert.equal(detectAutomatic([...person, h('auto-submitted', 'no')], 'Re: [Demo] New comment'), null);
  });

  const headerCases: Array<[string, HeaderLine[], string]> = [
    ['Auto-Submitted: auto-replied', [h('auto-submitted', 'auto-replied')], 'auto-submitted'],
    ['Precedence: bulk', [h('precedence', 'bulk')], 'precedence'],
    ['Precedence: auto_reply', [h('precedence', 'auto_reply')], 'precedence'],
    ['X-Autoreply: yes', [h('x-autoreply', 'yes')], 'x-autoreply'],
    ['X-Autorespond', [h('x-autorespond', 'Out of office')], 'x-autorespond'],
    ['X-Auto-Response-Suppress (Exchange)', [h('x-auto-response-suppress', 'All')], 'x-auto-response-suppress'],
    ['Return-Path: <> (a bounce)', [h('return-path', '<>')], 'null-sender'],
    ['From MAILER-DAEMON', [h('from', 'Mail Delivery System <MAILER-DAEMON@mx.example.test>')], 'mailer-daemon'],
    ['multipart/report', [h('content-type', 'multipart/report; report-type=delivery-status; boundary="x"')], 'report'],
  ];
  for (const [name, extra, reason] of headerCases) {
    test(`${name} is automatic`, () => {
      const headers = [...person.filter((p) => !extra.some((e) => e.key === p.key)), ...extra];
      assert.equal(detectAutomatic(headers, 'Re: [Demo] New comment'), reason);
    });
  }

  for (const subject of [
    'Out of Office: [Demo] New comment',
    'Automatic reply: [Demo] New comment',
    'Réponse automatique : [Demo] Nouveau commentaire',
    'Absence : [Demo] Nouveau commentaire',
    'Abwesenheitsnotiz: [Demo] Neuer Kommentar',
    'Undelivered Mail Returned to Sender',
  ]) {
    test(`subject "${subject}" is automatic`, () => {
      assert.equal(detectAutomatic(person, subject), 'subject');
    });
  }
});
