// One message from the mailbox, start to finish short of moving it: parse, hand the reply to the
// domain, and say where it goes. Failures are contained here so one bad mail never stops the loop.
import { folderFor, handleReply, type HandleReplyDeps } from '../../domain/moderation/handle-reply.js';
import type { Logger } from '../../log.js';
import type { DnsResolver } from '../reply/authenticate.js';
import { readInboundMail } from '../reply/inbound-mail.js';

export type Fate =
  | { move: 'processed' | 'rejected' }
  /** Stays in the mailbox; `retryAfterMs` says when this session may look at it again. */
  | { stay: 'unrelated' | 'busy' | 'failed'; retryAfterMs: number };

export interface MessageDeps extends HandleReplyDeps {
  logger: Logger;
  dkimResolver?: DnsResolver;
}

const never = Number.POSITIVE_INFINITY;

export async function handleMessage(deps: MessageDeps, uid: number, raw: Buffer): Promise<Fate> {
  let mail;
  try {
    mail = await readInboundMail(raw, deps.dkimResolver ? { resolver: deps.dkimResolver } : {});
  } catch (error) {
    deps.logger.warn({ uid, err: error }, 'unreadable message left in the mailbox');
    return { stay: 'failed', retryAfterMs: never };
  }
  if (mail.kind === 'unrelated') {
    deps.logger.debug({ uid, messageId: mail.messageId }, 'not a reply to Epistle: left in the mailbox');
    return { stay: 'unrelated', retryAfterMs: never };
  }
  try {
    const result = await handleReply(deps, mail.reply);
    const folder = folderFor(result);
    if (folder) return { move: folder };
    return { stay: 'busy', retryAfterMs: 60_000 };
  } catch (error) {
    deps.logger.error(
      { uid, messageId: mail.reply.messageId, err: error },
      'handling a mail reply failed; it stays in the mailbox for a retry',
    );
    return { stay: 'failed', retryAfterMs: 30_000 };
  }
}
