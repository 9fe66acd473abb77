// The contract between the use cases that cause mail (a new comment, a moderator's command, a
// digest) and the outbox that delivers it. Mail is described, not rendered, here: templates,
// SMTP and addresses' formatting live in src/mail.
import type { Locale } from '../types.js';

export type MailKind = 'notification' | 'confirmation' | 'help' | 'reminder' | 'digest';

export interface OutgoingMail {
  kind: MailKind;
  siteId: string;
  commentId: number | null;
  to: string[];
  /** Template pair in templates/email/: `<template>.txt` and `<template>.html`. */
  template: string;
  locale: Locale;
  /** Values for the template; strings from readers are escaped by the renderer. */
  data: Record<string, unknown>;
  /** Fixed Message-ID (notifications embed the comment's token); generated when absent. */
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
}

export interface Outbox {
  /** Queues mail durably; delivery happens later, with retries. */
  enqueue(mail: OutgoingMail): Promise<{ id: number; messageId: string }>;
}
