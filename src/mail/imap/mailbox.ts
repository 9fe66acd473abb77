// The few IMAP operations the watcher needs, each inside imapflow's mailbox lock. Results are
// collected first and acted on after the fetch iterator ends: an IMAP command issued inside a
// fetch() loop deadlocks the connection.
import type { ImapFlow } from 'imapflow';
import { parseNotificationMessageId } from '../../domain/mail/notification.js';
import { messageIds } from '../reply/reference.js';

/** A compact UID set ("3:7,9") so a large batch stays a short command line. */
export function uidSet(uids: number[]): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export async function ensureFolders(client: ImapFlow, folders: string[]): Promise<string[]> {
  const existing = new Set((await client.list()).map((f) => f.path));
  const created: string[] = [];
  for (const folder of folders.filter((f) => !existing.has(f))) {
    await client.mailboxCreate(folder);
    await client.mailboxSubscribe(folder).catch(() => false);
    created.push(folder);
  }
  return created;
}

async function locked<T>(client: ImapFlow, mailbox: string, work: () => Promise<T>): Promise<T> {
  const lock = await client.getMailboxLock(mailbox);
  try {
    return await work();
  } finally {
    lock.release();
  }
}

/** The comment id of the first notification named in In-Reply-To or References, or null. */
export function referencedComment(headers: string): number | null {
  const unfolded = headers.replace(/\r?\n[ \t]+/g, ' ');
  const values = [...unfolded.matchAll(/^(?:in-reply-to|references):(.*)$/gim)].map((m) => m[1] ?? '');
  for (const id of values.flatMap((v) => messageIds(v))) {
    const parsed = parseNotificationMessageId(id);
    if (parsed) return parsed.commentId;
  }
  return null;
}

/**
 * Messages in the mailbox not yet `known`, split by a cheap look at two headers: replies to
 * Epistle (with the comment they name, fetched in full next) and the rest (left alone, never
 * downloaded).
 */
export async function scanMailbox(client: ImapFlow, mailbox: string, known: (uid: number) => boolean) {
  return locked(client, mailbox, async () => {
    const all = (await client.search({ all: true }, { uid: true })) || [];
    const fresh = all.filter((uid) => !known(uid));
    const replies: Array<{ uid: number; commentId: number }> = [];
    const unrelated: number[] = [];
    if (fresh.length === 0) return { replies, unrelated };
    for await (const msg of client.fetch(uidSet(fresh), { uid: true, headers: ['in-reply-to', 'references'] }, { uid: true })) {
      const commentId = referencedComment(msg.headers?.toString('utf8') ?? '');
      if (commentId === null) unrelated.push(msg.uid);
      else replies.push({ uid: msg.uid, commentId });
    }
    return { replies: replies.sort((a, b) => a.uid - b.uid), unrelated };
  });
}

export async function fetchSources(client: ImapFlow, mailbox: string, uids: number[]): Promise<Array<{ uid: number; source: Buffer }>> {
  if (uids.length === 0) return [];
  return locked(client, mailbox, async () => {
    const out: Array<{ uid: number; source: Buffer }> = [];
    for await (const msg of client.fetch(uidSet(uids), { uid: true, source: true }, { uid: true })) {
      if (msg.source) out.push({ uid: msg.uid, source: msg.source });
    }
    return out;
  });
}

export async function moveMessages(client: ImapFlow, mailbox: string, uids: number[], folder: string): Promise<void> {
  if (uids.length === 0) return;
  await locked(client, mailbox, async () => {
    await client.messageMove(uidSet(uids), folder, { uid: true });
  });
}
