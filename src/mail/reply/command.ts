// The command in the moderator's new text: its first non-empty line is one word (approve, drop,
// spam; French approuver, rejeter, spam; German freigeben, ablehnen, spam), or "reply" /
// "répondre" / "antworten" followed by the answer. Case, accents and surrounding punctuation
// ("Approve!", "*rejeter*") do not matter. Every word works for every site, whatever its locale.
import type { ReplyCommand } from '../../domain/moderation/inbound-reply.js';
import { extractNewText } from './new-text.js';

type Word = 'approve' | 'drop' | 'spam' | 'reply';

const words: Record<string, Word> = {
  approve: 'approve',
  approuver: 'approve',
  drop: 'drop',
  rejeter: 'drop',
  spam: 'spam',
  reply: 'reply',
  repondre: 'reply',
  freigeben: 'approve',
  ablehnen: 'drop',
  antworten: 'reply',
};

/** Lower case without accents, so "RÉPONDRE" and "repondre" are the same word. */
function fold(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const maxReceived = 200;

export function parseCommand(newText: string): ReplyCommand {
  const lines = newText.split('\n');
  const index = lines.findIndex((l) => l.trim() !== '');
  if (index < 0) return { kind: 'unknown', received: '' };
  const first = (lines[index] ?? '').trim();
  const unknown: ReplyCommand = { kind: 'unknown', received: first.slice(0, maxReceived) };
  const match = /^[^\p{L}\p{N}]*([\p{L}\p{M}]+)(.*)$/u.exec(first);
  const word = match?.[1] ? words[fold(match[1])] : undefined;
  if (!match || !word) return unknown;
  const rest = match[2] ?? '';
  if (word !== 'reply') {
    // "approve, but..." is not a command: anything but punctuation after the word is refused.
    return /^[^\p{L}\p{N}]*$/u.test(rest) ? { kind: word } : unknown;
  }
  const firstLine = rest.replace(/^[\s*_:;,.!?–—-]+/u, '');
  if (rest !== '' && rest === firstLine && !/^\s/.test(rest)) return unknown; // "replying", "reply2"
  const text = [firstLine, ...lines.slice(index + 1)]
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text === '' ? unknown : { kind: 'reply', text };
}

/** The command in a reply's plain text (quotes and signatures removed first). */
export function readCommand(text: string): ReplyCommand {
  return parseCommand(extractNewText(text));
}
