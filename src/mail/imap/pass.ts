// One look at the mailbox: find what is new (two headers per message tell replies to Epistle
// from other mail), then fetch, handle and file the replies in chunks. Handling never happens
// inside an IMAP command, and a reply is moved only after the database has recorded it.
import type { ImapFlow } from 'imapflow';
import type { ImapConfig } from '../../config/sections/mail.js';
import type { Logger } from '../../log.js';
import { handleMessage, type MessageDeps } from './handle-message.js';
import { fetchSources, moveMessages, scanMailbox } from './mailbox.js';

export interface PassContext {
  client: ImapFlow;
  config: ImapConfig;
  deps: MessageDeps;
  logger: Logger;
  /** UID -> time before which it is not looked at again (per connection: UIDs are). */
  skip: Map<number, number>;
  batchSize: number;
  concurrency: number;
  stopped(): boolean;
}

/** Runs `work` on every item, at most `limit` at a time. */
async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function handleChunk(ctx: PassContext, chunk: Array<{ uid: number; commentId: number }>): Promise<void> {
  const { client, config, skip } = ctx;
  const started = performance.now();
  const sources = await fetchSources(
    client,
    config.mailbox,
    chunk.map((r) => r.uid),
  );
  const fetched = performance.now();
  // Replies about different comments are independent and handled side by side (their database
  // round trips overlap); replies about one comment are handled in mailbox order.
  const commentOf = new Map(chunk.map((r) => [r.uid, r.commentId]));
  const lanes = new Map<number, Array<{ uid: number; source: Buffer }>>();
  for (const m of sources) {
    const key = commentOf.get(m.uid) ?? 0;
    lanes.set(key, [...(lanes.get(key) ?? []), m]);
  }
  const moves = { processed: [] as number[], rejected: [] as number[] };
  await inParallel([...lanes.values()], ctx.concurrency, async (lane) => {
    for (const { uid, source } of lane) {
      const fate = await handleMessage(ctx.deps, uid, source);
      if ('move' in fate) moves[fate.move].push(uid);
      else skip.set(uid, Date.now() + fate.retryAfterMs);
    }
  });
  const handled = performance.now();
  await moveMessages(client, config.mailbox, moves.processed, config.processed_folder);
  await moveMessages(client, config.mailbox, moves.rejected, config.rejected_folder);
  const ms = (from: number, to = performance.now()) => Math.round(to - from);
  ctx.logger.debug(
    {
      messages: sources.length,
      processed: moves.processed.length,
      rejected: moves.rejected.length,
      fetchMs: ms(started, fetched),
      handleMs: ms(fetched, handled),
      moveMs: ms(handled),
    },
    'mailbox chunk handled',
  );
}

export async function mailboxPass(ctx: PassContext): Promise<void> {
  const now = Date.now();
  const { replies, unrelated } = await scanMailbox(ctx.client, ctx.config.mailbox, (uid) => (ctx.skip.get(uid) ?? 0) > now);
  for (const uid of unrelated) ctx.skip.set(uid, Number.POSITIVE_INFINITY);
  for (let i = 0; i < replies.length && !ctx.stopped(); i += ctx.batchSize) {
    await handleChunk(ctx, replies.slice(i, i + ctx.batchSize));
  }
}
