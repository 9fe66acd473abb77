// A raw message from the mailbox turned into the domain's InboundReply, or recognized as mail
// that is not a reply to Epistle (which the watcher leaves alone).
import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject } from 'mailparser';
import type { InboundReply } from '../../domain/moderation/inbound-reply.js';
import { normalizeSender, verifyDkim, type DnsResolver } from './authenticate.js';
import { detectAutomatic, type HeaderLine } from './automatic.js';
import { readCommand } from './command.js';
import { htmlToText } from './html-text.js';
import { findReference, messageIds } from './reference.js';

export type InboundMail = { kind: 'unrelated'; messageId: string } | { kind: 'reply'; reply: InboundReply };

// Our own HTML-to-text keeps quotes as "> " lines; mailparser's extra renderings are not needed.
const parseOptions = { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true } as const;

function headerLines(lines: ReadonlyArray<{ key: string; line: string }>): HeaderLine[] {
  return lines.map(({ key, line }) => ({
    key: key.toLowerCase(),
    value: line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim(),
  }));
}

function addresses(from: AddressObject | AddressObject[] | undefined): string[] {
  const out: string[] = [];
  const walk = (list: Array<{ address?: string; group?: Array<{ address?: string }> }>) => {
    for (const entry of list) {
      if (entry.group) walk(entry.group);
      else out.push(entry.address ?? '');
    }
  };
  for (const object of from === undefined ? [] : Array.isArray(from) ? from : [from]) walk(object.value);
  return out;
}

export async function readInboundMail(raw: Buffer, options: { resolver?: DnsResolver } = {}): Promise<InboundMail> {
  const parsed = await simpleParser(raw, parseOptions);
  const headers = headerLines(parsed.headerLines);
  const header = (key: string) =>
    headers
      .filter((h) => h.key === key)
      .map((h) => h.value)
      .join(' ');
  // Without a Message-ID the content identifies the mail, so the same copy is still seen once.
  const messageId =
    messageIds(parsed.messageId ?? header('message-id'))[0] ?? `<${createHash('sha256').update(raw).digest('hex')}@no-message-id>`;
  const subject = parsed.subject ?? '';
  const inReplyTo = messageIds(header('in-reply-to'));
  const references = messageIds(header('references'));
  const reference = findReference(inReplyTo, references);
  if (!reference) return { kind: 'unrelated', messageId };

  const text = parsed.text?.trim() ? parsed.text : typeof parsed.html === 'string' ? htmlToText(parsed.html) : '';
  const from = normalizeSender(addresses(parsed.from));
  const thread = [...references, ...inReplyTo.filter((id) => !references.includes(id))];
  return {
    kind: 'reply',
    reply: {
      messageId,
      references: thread,
      from,
      reference,
      automatic: detectAutomatic(headers, subject),
      command: readCommand(text),
      verifyDkim: () => verifyDkim(raw, from, options.resolver),
    },
  };
}
