// Turns a claimed outbox row and its rendered text into a message on the wire. Two senders: SMTP,
// and the log when no [smtp] is configured (so a zero-config start still tells the owner about
// new comments, with the commands to moderate them by hand).
import type { OutboxRow } from '../../db/outbox.js';
import type { Logger } from '../../log.js';
import { oneLineHeader, type RenderedMail } from '../render.js';
import type { SmtpTransport } from './transport.js';

export interface MailSender {
  readonly kind: 'smtp' | 'log';
  /**
   * Sends the row's mail; `render` gives its text (a template or data error throws there, and the
   * try counts as failed). The log sender does not need the text of a notification: rendering an
   * HTML mail nobody receives was a fifth of the CPU of a zero-config intake.
   */
  send(row: OutboxRow, render: () => RenderedMail): Promise<void>;
  /** Logs in to the server (SMTP) and returns; throws with the server's reason otherwise. */
  verify(): Promise<void>;
  close(): void;
}

/** Headers every mail from Epistle carries: it is automatic, so nobody's auto-reply answers it. */
export const automaticHeaders = { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' } as const;

export class SmtpSender implements MailSender {
  readonly kind = 'smtp';

  constructor(
    private readonly transport: SmtpTransport,
    private readonly from: string,
    /** The moderation mailbox: replies to notifications must land where Epistle reads. */
    private readonly replyTo: string | undefined,
  ) {}

  async send(row: OutboxRow, render: () => RenderedMail): Promise<void> {
    if (row.to.length === 0) throw new Error('no recipients');
    const rendered = render();
    const { inReplyTo, references } = row.payload;
    const info = await this.transport.sendMail({
      from: this.from,
      to: row.to,
      ...(this.replyTo ? { replyTo: this.replyTo } : {}),
      subject: oneLineHeader(rendered.subject),
      text: rendered.text,
      html: rendered.html,
      messageId: oneLineHeader(row.messageId),
      ...(inReplyTo ? { inReplyTo: oneLineHeader(inReplyTo) } : {}),
      ...(references?.length ? { references: references.map(oneLineHeader) } : {}),
      headers: { ...automaticHeaders },
    });
    if (info.accepted.length === 0) throw new Error(`every recipient was refused: ${JSON.stringify(info.rejected)}`);
  }

  async verify(): Promise<void> {
    await this.transport.verify();
  }

  close(): void {
    this.transport.close();
  }
}

export class LogSender implements MailSender {
  readonly kind = 'log';

  constructor(private readonly logger: Logger) {}

  send(row: OutboxRow, render: () => RenderedMail): Promise<void> {
    const data = row.payload.data;
    if (row.kind === 'notification' && row.commentId !== null) {
      const id = row.commentId;
      const commands = (['approve', 'drop', 'spam'] as const).map((d) => `epistle comments ${d} ${id}`);
      this.logger.info(
        { event: 'new_comment', site: row.siteId, commentId: id, author: data.author, page: data.pageUrl, commands },
        `new comment ${id} by ${String(data.author)} on ${String(data.pageUrl)}, pending; no [smtp] configured, moderate with: ${commands.join(' | ')}`,
      );
    } else {
      const { subject } = render();
      this.logger.info(
        { event: 'mail_not_sent', kind: row.kind, site: row.siteId, commentId: row.commentId, to: row.to, subject },
        `${row.kind} mail not sent: no [smtp] configured`,
      );
    }
    return Promise.resolve();
  }

  verify(): Promise<void> {
    return Promise.reject(new Error('no [smtp] section in the configuration'));
  }

  close(): void {}
}
