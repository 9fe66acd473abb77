// Matching a reply to its comment through the notification's Message-ID, and normalizing From.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalizeSender } from '../../src/mail/reply/authenticate.js';
import { findReference, messageIds } from '../../src/mail/reply/reference.js';

const token = 'a'.repeat(64);

describe('finding the comment a reply is about', () => {
  test('In-Reply-To carrying the notification id gives the comment and its token', () => {
    assert.deepEqual(findReference([`<epistle.42.${token}@example.test>`], []), { commentId: 42, token });
  });

  test('References is searched from the newest when In-Reply-To names something else', () => {
    const refs = messageIds(`<epistle.7.${token}@example.test>\r\n <epistle.confirmation.1234@example.test> <CAF=x@mail.gmail.com>`);
    assert.equal(refs.length, 3);
    assert.deepEqual(findReference(['<CAF=x@mail.gmail.com>'], refs), { commentId: 7, token });
  });

  test('unrelated mail has no reference', () => {
    assert.equal(findReference(['<abc@example.test>'], ['<def@example.test>']), null);
  });
});

describe('the sender', () => {
  test('one address, normalized to lower case', () => {
    assert.equal(normalizeSender(['  Owner@Example.TEST ']), 'owner@example.test');
  });
  test('none, several or a malformed address is refused', () => {
    assert.equal(normalizeSender([]), null);
    assert.equal(normalizeSender(['owner@example.test', 'mallory@example.test']), null);
    assert.equal(normalizeSender(['not an address']), null);
  });
});
