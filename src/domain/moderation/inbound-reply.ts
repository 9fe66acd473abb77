// A moderator's emailed reply as the domain sees it: already parsed and reduced to plain data by
// src/mail/reply, so the rules in handle-reply.ts never touch MIME, IMAP or a mail library.

/** What the first line of the moderator's new text asks for. */
export type ReplyCommand =
  | { kind: 'approve' }
  | { kind: 'drop' }
  | { kind: 'spam' }
  | { kind: 'reply'; text: string }
  /** Empty or not a command; `received` is the first line as written (may be ""). */
  | { kind: 'unknown'; received: string };

/** Which comment the reply is about (from the notification's Message-ID), and the secret that
 * proves the sender received the notification. */
export interface ReplyReference {
  commentId: number;
  token: string;
}

export type DkimVerdict = { pass: true; domain: string } | { pass: false; reason: string };

export interface InboundReply {
  /** The reply's own Message-ID (the key that makes handling it idempotent). */
  messageId: string;
  /** The Message-IDs the reply refers to (References, then In-Reply-To), to thread our answer. */
  references: string[];
  /** The sender, normalized (lower case); null unless From holds exactly one address. */
  from: string | null;
  reference: ReplyReference;
  /** Why this looks machine-sent (out-of-office, bounce, list), or null for a person's reply. */
  automatic: string | null;
  command: ReplyCommand;
  /** Checks DKIM aligned with the From domain; called only for sites that require it. */
  verifyDkim(): Promise<DkimVerdict>;
}
