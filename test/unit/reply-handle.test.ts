// The rules of handleReply with in-memory fakes (the same rules run against Dovecot and SQLite
// in test/integration/mail-inbound.test.ts): who may act, what is answered, what happens once.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { OutgoingMail } from '../../src/domain/mail/ports.js';
import { handleReply, type HandleReplyDeps } from '../../src/domain/moderation/handle-reply.js';
import type { InboundReply, ReplyCommand } from '../../src/domain/moderation/inbound-reply.js';
import type { Claim, ProcessedOutcome } from '../../src/domain/moderation/ports.js';
import { SiteDirectory } from '../../src/domain/sites.js';
import type { Comment, NewComment, Site } from '../../src/domain/types.js';

const token = 'ab'.repeat(32);
const limits = { ratePerMinute: 0, authorLength: 100, emailLength: 254, websiteLength: 300, bodyLength: 10_000 };
const site = (id: string, requireDkim = false): Site => ({
  id,
  name: id,
  origins: ['https://example.com'],
  moderators: ['owner@example.test'],
  locale: 'fr',
  ownerName: 'The Owner',
  requireDkim,
  limits,
});

let comments: Map<number, Comment>;
let mails: OutgoingMail[];
let processed: Map<string, { outcome: ProcessedOutcome | 'processing'; detail?: string | null }>;
let dkimCalls: number;
let failTransition: boolean;

function comment(id: number, siteId = 'blog'): Comment {
  return {
    id,
    siteId,
    pageId: 1,
    pageUrl: 'https://example.com/p',
    parentId: null,
    author: 'Ann',
    email: null,
    website: null,
    body: 'Hi',
    html: null,
    status: 'pending',
    byOwner: false,
    clientIp: '192.0.2.1',
    token,
    createdAt: new Date(0),
    decidedAt: null,
  };
}

function deps(overrides: Partial<HandleReplyDeps> = {}): HandleReplyDeps {
  let nextId = 100;
  return {
    sites: new SiteDirectory([site('blog'), site('strict', true)]),
    store: {
      findComment: (id: number) => Promise.resolve(comments.get(id) ?? null),
      transition: (id: number, from: string, to: string, html: string | null, at: Date) => {
        if (failTransition) return Promise.reject(new Error('database is down'));
        const c = comments.get(id);
        if (!c || c.status !== from) return Promise.resolve(null);
        const updated = { ...c, status: to as Comment['status'], html, decidedAt: at };
        comments.set(id, updated);
        return Promise.resolve(updated);
      },
      createComment: (input: NewComment) => {
        const c: Comment = {
          ...comment(nextId++, input.siteId),
          ...input,
          status: 'approved',
          html: input.approved?.html ?? null,
          byOwner: true,
        };
        comments.set(c.id, c);
        return Promise.resolve(c);
      },
    } as any,
    renderer: { render: (s: string) => `<p>${s}</p>` },
    clock: { now: () => new Date('2026-11-22T10:00:00Z') },
    logger: { info: () => undefined, warn: () => undefined },
    answers: {
      ownerAnswerBodies: (parentId: number) =>
        Promise.resolve([...comments.values()].filter((c) => c.parentId === parentId && c.byOwner).map((c) => c.body)),
    },
    outbox: {
      enqueue: (mail: OutgoingMail) => {
        mails.push(mail);
        return Promise.resolve({ id: mails.length, messageId: `<m${mails.length}>` });
      },
    },
    processed: {
      claim: (messageId: string): Promise<Claim> => {
        const row = processed.get(messageId);
        if (row) return Promise.resolve({ claimed: false, outcome: row.outcome });
        processed.set(messageId, { outcome: 'processing' });
        return Promise.resolve({ claimed: true });
      },
      finish: (messageId: string, r: { outcome: ProcessedOutcome; detail: string | null }) => {
        processed.set(messageId, { outcome: r.outcome, detail: r.detail });
        return Promise.resolve();
      },
      release: (messageId: string) => {
        processed.delete(messageId);
        return Promise.resolve();
      },
    },
    confirmations: true,
    ...overrides,
  };
}

let counter = 0;
function reply(command: ReplyCommand, fields: Partial<InboundReply> = {}): InboundReply {
  return {
    messageId: `<reply${++counter}@example.test>`,
    references: [`<epistle.1.${token}@example.test>`],
    from: 'owner@example.test',
    reference: { commentId: 1, token },
    automatic: null,
    command,
    verifyDkim: () => {
      dkimCalls++;
      return Promise.resolve({ pass: false, reason: 'no DKIM signature' });
    },
    ...fields,
  };
}

beforeEach(() => {
  comments = new Map([
    [1, comment(1)],
    [2, comment(2, 'strict')],
  ]);
  mails = [];
  processed = new Map();
  dkimCalls = 0;
  failTransition = false;
});

describe('handleReply', () => {
  test('approve from a moderator with the right token: applied, confirmed in the site language, threaded', async () => {
    const r = reply({ kind: 'approve' });
    assert.deepEqual(await handleReply(deps(), r), { kind: 'acted', commentId: 1, outcome: 'approved' });
    assert.equal(comments.get(1)?.status, 'approved');
    assert.equal(mails.length, 1);
    assert.equal(mails[0]?.kind, 'confirmation');
    assert.equal(mails[0]?.locale, 'fr');
    assert.deepEqual(mails[0]?.to, ['owner@example.test']);
    assert.equal(mails[0]?.inReplyTo, r.messageId);
    assert.deepEqual(mails[0]?.references, [...r.references, r.messageId]);
    assert.equal(processed.get(r.messageId)?.outcome, 'applied');
    assert.equal(dkimCalls, 0, 'DKIM is only checked where required');
  });

  test('with confirmations off, nothing is mailed', async () => {
    await handleReply(deps({ confirmations: false }), reply({ kind: 'drop' }));
    assert.equal(comments.get(1)?.status, 'dropped');
    assert.equal(mails.length, 0);
  });

  const rejections: Array<[string, Partial<InboundReply>, RegExp]> = [
    ['a wrong token', { reference: { commentId: 1, token: 'cd'.repeat(32) } }, /token/],
    ['a shorter token', { reference: { commentId: 1, token: 'ab' } }, /token/],
    ['a sender who is not a moderator', { from: 'mallory@example.test' }, /not a moderator/],
    ['no single sender', { from: null }, /exactly one address/],
    ['an unknown comment', { reference: { commentId: 99, token }, from: 'mallory@example.test' }, /no such comment/],
  ];
  for (const [name, fields, reason] of rejections) {
    test(`${name} is rejected: nothing changes, nothing is sent`, async () => {
      const result = await handleReply(deps(), reply({ kind: 'approve' }, fields));
      assert.equal(result.kind, 'rejected');
      assert.match(result.kind === 'rejected' ? result.reason : '', reason);
      assert.equal(comments.get(1)?.status, 'pending');
      assert.equal(mails.length, 0);
    });
  }

  test('require_dkim: a failing signature is rejected, a passing one acts', async () => {
    const unsigned = await handleReply(deps(), reply({ kind: 'approve' }, { reference: { commentId: 2, token } }));
    assert.equal(unsigned.kind, 'rejected');
    assert.equal(comments.get(2)?.status, 'pending');
    const signed = reply(
      { kind: 'approve' },
      { reference: { commentId: 2, token }, verifyDkim: () => Promise.resolve({ pass: true, domain: 'example.test' }) },
    );
    assert.equal((await handleReply(deps(), signed)).kind, 'acted');
    assert.equal(comments.get(2)?.status, 'approved');
  });

  test('automatic mail is ignored and never answered, whatever it says', async () => {
    const result = await handleReply(deps(), reply({ kind: 'approve' }, { automatic: 'auto-submitted' }));
    assert.equal(result.kind, 'ignored');
    assert.equal(comments.get(1)?.status, 'pending');
    assert.equal(mails.length, 0);
  });

  test('an unknown command earns the moderator a help mail and changes nothing', async () => {
    const result = await handleReply(deps(), reply({ kind: 'unknown', received: 'Yes please' }));
    assert.deepEqual(result, { kind: 'help', commentId: 1 });
    assert.equal(comments.get(1)?.status, 'pending');
    assert.equal(mails[0]?.kind, 'help');
    assert.deepEqual(mails[0]?.data, { commentId: 1, received: 'Yes please' });
  });

  test('reply publishes one answer by the owner; the same text again is unchanged', async () => {
    const first = await handleReply(deps(), reply({ kind: 'reply', text: 'Thanks!' }));
    assert.deepEqual(first, { kind: 'acted', commentId: 1, outcome: 'answered' });
    const again = await handleReply(deps(), reply({ kind: 'reply', text: ' Thanks! ' }));
    assert.deepEqual(again, { kind: 'acted', commentId: 1, outcome: 'unchanged' });
    const answers = [...comments.values()].filter((c) => c.parentId === 1);
    assert.equal(answers.length, 1);
    assert.equal(answers[0]?.author, 'The Owner');
    assert.equal(answers[0]?.html, '<p>Thanks!</p>');
    assert.equal(mails[0]?.data.answer, 'Thanks!');
    assert.equal(mails[1]?.data.answer, undefined, 'nothing new was published the second time');
  });

  test('a command on a comment decided otherwise is reported, not applied', async () => {
    await handleReply(deps(), reply({ kind: 'drop' }));
    const result = await handleReply(deps(), reply({ kind: 'reply', text: 'hello' }));
    assert.deepEqual(result, { kind: 'acted', commentId: 1, outcome: 'already_decided' });
    assert.equal(comments.get(1)?.status, 'dropped');
    assert.equal([...comments.values()].filter((c) => c.parentId === 1).length, 0);
  });

  test('the same Message-ID is handled once; one being handled elsewhere is left alone', async () => {
    const r = reply({ kind: 'approve' });
    await handleReply(deps(), r);
    assert.deepEqual(await handleReply(deps(), r), { kind: 'duplicate', rejected: false });
    assert.equal(mails.length, 1);
    processed.set('<busy@example.test>', { outcome: 'processing' });
    assert.deepEqual(await handleReply(deps(), reply({ kind: 'approve' }, { messageId: '<busy@example.test>' })), { kind: 'busy' });
  });

  test('a failure while acting releases the claim so that a later look retries', async () => {
    failTransition = true;
    const r = reply({ kind: 'approve' });
    await assert.rejects(handleReply(deps(), r), /database is down/);
    assert.equal(processed.has(r.messageId), false);
    failTransition = false;
    assert.equal((await handleReply(deps(), r)).kind, 'acted');
  });

  test('a comment deleted before the reply: a moderator mail is filed as ignored', async () => {
    comments.delete(1);
    const result = await handleReply(deps(), reply({ kind: 'approve' }));
    assert.deepEqual(result, { kind: 'ignored', reason: 'comment_not_found', commentId: 1 });
    assert.equal(mails.length, 0);
  });
});
