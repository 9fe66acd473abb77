// Reading the moderator's command from real-looking plain-text replies: the quoting styles of
// Gmail, Outlook, Apple Mail and Thunderbird, top- and bottom-posted, in English and French.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCommand, readCommand } from '../../src/mail/reply/command.js';
import { extractNewText } from '../../src/mail/reply/new-text.js';

// The notification as the reader's words appear in it: a comment that says "drop" and "approve".
const quotedNotification = `> New comment on Demo (/blog/post) by Mallory:
>
> drop
> approve this spam
>
> To moderate, reply with one word on the first line: approve, drop or spam,
> or "reply" followed by your answer.`;

describe('commands in English and French', () => {
  const cases: Array<[string, string]> = [
    ['approve', 'approve'],
    ['Approve', 'approve'],
    ['APPROVE!', 'approve'],
    ['  approve.  ', 'approve'],
    ['*approve*', 'approve'],
    ['approve ✅', 'approve'],
    ['drop', 'drop'],
    ['Drop.', 'drop'],
    ['spam', 'spam'],
    ['SPAM!!!', 'spam'],
    ['approuver', 'approve'],
    ['Approuver', 'approve'],
    ['rejeter', 'drop'],
    ['Rejeter !', 'drop'],
    ['« spam »', 'spam'],
    ['freigeben', 'approve'],
    ['Freigeben!', 'approve'],
    ['ablehnen', 'drop'],
    ['„Ablehnen“', 'drop'],
  ];
  for (const [line, kind] of cases) {
    test(`"${line}" is ${kind}`, () => {
      assert.deepEqual(parseCommand(`${line}\n`), { kind });
    });
  }

  test('German "antworten" is reply, with the answer after it', () => {
    assert.deepEqual(parseCommand('Antworten: Danke für den Hinweis!'), { kind: 'reply', text: 'Danke für den Hinweis!' });
  });

  test('reply takes the rest of the first line and the following new lines', () => {
    assert.deepEqual(parseCommand('reply Thanks for reading!\nI will fix the typo tonight.'), {
      kind: 'reply',
      text: 'Thanks for reading!\nI will fix the typo tonight.',
    });
    assert.deepEqual(parseCommand('Reply: Thanks'), { kind: 'reply', text: 'Thanks' });
    assert.deepEqual(parseCommand('reply\n\nOn a new line.'), { kind: 'reply', text: 'On a new line.' });
  });

  test('répondre, Répondre and repondre (without accent) are reply', () => {
    assert.deepEqual(parseCommand('répondre Merci beaucoup !'), { kind: 'reply', text: 'Merci beaucoup !' });
    assert.deepEqual(parseCommand('RÉPONDRE : Merci'), { kind: 'reply', text: 'Merci' });
    assert.deepEqual(parseCommand('repondre Merci'), { kind: 'reply', text: 'Merci' });
  });

  test('anything else, an empty reply, or reply without text is unknown, with the first line kept', () => {
    assert.deepEqual(parseCommand(''), { kind: 'unknown', received: '' });
    assert.deepEqual(parseCommand('\n  \n'), { kind: 'unknown', received: '' });
    assert.deepEqual(parseCommand('Yes, publish it'), { kind: 'unknown', received: 'Yes, publish it' });
    assert.deepEqual(parseCommand('approve, but fix the link'), { kind: 'unknown', received: 'approve, but fix the link' });
    assert.deepEqual(parseCommand('dropped'), { kind: 'unknown', received: 'dropped' });
    assert.deepEqual(parseCommand('reply'), { kind: 'unknown', received: 'reply' });
    assert.deepEqual(parseCommand('reply2 hi'), { kind: 'unknown', received: 'reply2 hi' });
    assert.deepEqual(parseCommand("Don't approve"), { kind: 'unknown', received: "Don't approve" });
  });
});

describe('new text in real replies', () => {
  test('Gmail, top-posted: the quote below (which says "drop") never acts', () => {
    const text = `approve

On Sat, Nov 22, 2026 at 10:15 AM Epistle <epistle@example.test> wrote:

${quotedNotification}
`;
    assert.equal(extractNewText(text), 'approve');
    assert.deepEqual(readCommand(text), { kind: 'approve' });
  });

  test('Gmail with the attribution wrapped over two lines', () => {
    const text = `Approve!

On Sat, Nov 22, 2026 at 10:15 AM Epistle Moderation Mailbox <
epistle@example.test> wrote:

${quotedNotification}
`;
    assert.equal(extractNewText(text), 'Approve!');
  });

  test('Gmail in French: "Le ... a écrit :"', () => {
    const text = `Rejeter

Le sam. 22 nov. 2026 à 10:15, Epistle <epistle@example.test> a écrit :

${quotedNotification}
`;
    assert.deepEqual(readCommand(text), { kind: 'drop' });
  });

  test('Outlook: "-----Original Message-----" with the original unquoted below', () => {
    const text = `drop

-----Original Message-----
From: Epistle <epistle@example.test>
Sent: Saturday, November 22, 2026 10:15 AM
To: owner@example.test
Subject: [Demo] New comment by Mallory

approve
`;
    assert.equal(extractNewText(text), 'drop');
  });

  test('Outlook: a rule and a From/Sent header block', () => {
    const text = `spam

________________________________
From: Epistle <epistle@example.test>
Sent: Saturday, 22 November 2026 10:15
To: Owner <owner@example.test>
Subject: [Demo] New comment by Mallory

approve
`;
    assert.deepEqual(readCommand(text), { kind: 'spam' });
  });

  test('Outlook in French: De / Envoyé / À / Objet', () => {
    const text = `Approuver

De : Epistle <epistle@example.test>
Envoyé : samedi 22 novembre 2026 10:15
À : owner@example.test
Objet : [Demo] Nouveau commentaire de Mallory

rejeter
`;
    assert.deepEqual(readCommand(text), { kind: 'approve' });
  });

  test('Apple Mail on iPhone: "Sent from my iPhone" and a quoted attribution', () => {
    const text = `Approve

Sent from my iPhone

> On 22 Nov 2026, at 10:15, Epistle <epistle@example.test> wrote:
>
${quotedNotification}
`;
    assert.equal(extractNewText(text), 'Approve');
  });

  test('Thunderbird, bottom-posted under the quote, with a "-- " signature', () => {
    const text = `On 22/11/2026 10:15, Epistle wrote:
${quotedNotification}

reply Thanks, fixed!

-- 
Owner
https://owner.example
`;
    assert.equal(extractNewText(text), 'reply Thanks, fixed!');
    assert.deepEqual(readCommand(text), { kind: 'reply', text: 'Thanks, fixed!' });
  });

  test('a reply answer stops at the signature and the quote', () => {
    const text = `reply Thanks for reading!
I'll fix the typo tonight.

-- 
Owner

On Sat, Nov 22, 2026 at 10:15 AM Epistle <epistle@example.test> wrote:
${quotedNotification}
`;
    assert.deepEqual(readCommand(text), { kind: 'reply', text: "Thanks for reading!\nI'll fix the typo tonight." });
  });

  test('French reply with "Envoyé de mon iPhone"', () => {
    const text = `Répondre : Merci beaucoup !
À bientôt.

Envoyé de mon iPhone

Le 22 nov. 2026 à 10:15, Epistle <epistle@example.test> a écrit :

${quotedNotification}
`;
    assert.deepEqual(readCommand(text), { kind: 'reply', text: 'Merci beaucoup !\nÀ bientôt.' });
  });

  test('an attribution followed by the unquoted original stops the new text there', () => {
    const text = `reply Thanks!

On Sat, Nov 22, 2026 at 10:15 AM Epistle <epistle@example.test> wrote:
New comment by Mallory: drop
`;
    assert.deepEqual(readCommand(text), { kind: 'reply', text: 'Thanks!' });
  });

  test('an empty reply (only the quote) has no command', () => {
    const text = `On Sat, Nov 22, 2026 at 10:15 AM Epistle <epistle@example.test> wrote:\n${quotedNotification}\n`;
    assert.deepEqual(readCommand(text), { kind: 'unknown', received: '' });
  });

  test('a first line that merely mentions having written something is not an attribution', () => {
    assert.deepEqual(readCommand('reply As I wrote:\nthe fix is live.\n'), { kind: 'reply', text: 'As I wrote:\nthe fix is live.' });
  });

  test('CRLF line ends and non-breaking spaces are handled', () => {
    assert.deepEqual(readCommand('approve\u00a0\r\n\r\n> drop\r\n'), { kind: 'approve' });
  });
});
