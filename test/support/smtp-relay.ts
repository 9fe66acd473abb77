// An in-process SMTP server that relays every accepted message to Dovecot over LMTP,
// so the code under test can keep speaking plain SMTP as it would in production.
import { connect } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';

export interface RelayedMessage {
  from: string;
  to: string[];
  raw: Buffer;
}

export interface SmtpRelay {
  host: string;
  port: number;
  /** Every message accepted and delivered to Dovecot, in order. */
  messages: RelayedMessage[];
  stop(): Promise<void>;
  /** While down, connections and transactions get 421/451 so clients see a temporary failure. */
  setDown(down: boolean): void;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

// Asks Dovecot's LMTP whether it would accept the recipient, so unknown users are refused
// at RCPT time (550) as a real MTA would, instead of after DATA.
function lmtpRecipientReply(host: string, port: number, rcpt: string): Promise<{ code: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    const commands = ['LHLO relay.test', 'MAIL FROM:<>', `RCPT TO:<${rcpt}>`];
    let buffer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(5000, () => socket.destroy(new Error('LMTP probe timed out')));
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('LMTP closed the connection early')));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      // A reply is complete at a line of the form "NNN text" (not "NNN-text").
      for (let match; (match = /^(\d{3}) (.*)\r?\n/m.exec(buffer));) {
        buffer = buffer.slice(match.index + match[0].length);
        const code = Number(match[1]);
        const next = commands.shift();
        if (next === undefined || code >= 400) {
          socket.end('QUIT\r\n');
          resolve({ code, text: match[2] ?? '' });
          return;
        }
        socket.write(`${next}\r\n`);
      }
    });
  });
}

export async function startSmtpRelay(opts: {
  lmtpHost: string;
  lmtpPort: number;
  auth?: { user: string; pass: string };
}): Promise<SmtpRelay> {
  const { lmtpHost, lmtpPort, auth } = opts;
  const messages: RelayedMessage[] = [];
  let down = false;
  const lmtp = nodemailer.createTransport({ host: lmtpHost, port: lmtpPort, lmtp: true, ignoreTLS: true });

  const server = new SMTPServer({
    disableReverseLookup: true,
    // No TLS at all: advertising STARTTLS with smtp-server's built-in self-signed cert would
    // make nodemailer upgrade and then fail verification.
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !auth,
    authMethods: ['PLAIN', 'LOGIN'],
    closeTimeout: 200,
    onConnect(_session, callback) {
      callback(down ? smtpError(421, 'Relay is down (test)') : null);
    },
    onAuth(credentials, _session, callback) {
      if (auth && credentials.username === auth.user && credentials.password === auth.pass) {
        callback(null, { user: credentials.username });
      } else {
        callback(smtpError(535, 'Authentication failed'));
      }
    },
    // Checked again here because a pooled client may have connected before setDown(true).
    onMailFrom(_address, _session, callback) {
      callback(down ? smtpError(451, 'Relay is down (test)') : null);
    },
    onRcptTo(address, _session, callback) {
      lmtpRecipientReply(lmtpHost, lmtpPort, address.address).then(
        ({ code, text }) => callback(code < 400 ? null : smtpError(code, text)),
        (err: Error) => callback(smtpError(451, `LMTP unavailable: ${err.message}`)),
      );
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (down) return callback(smtpError(451, 'Relay is down (test)'));
        const raw = Buffer.concat(chunks);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const to = session.envelope.rcptTo.map((r) => r.address);
        lmtp.sendMail({ envelope: { from, to }, raw }).then(
          (info) => {
            if (info.rejected.length > 0) {
              return callback(
                smtpError(451, `LMTP rejected ${info.rejected.map((r) => (typeof r === 'string' ? r : r.address)).join(', ')}`),
              );
            }
            messages.push({ from, to, raw });
            callback(null, 'Delivered to Dovecot');
          },
          (err: Error) => callback(smtpError(451, `LMTP delivery failed: ${err.message}`)),
        );
      });
    },
  });
  server.on('error', () => {
    // Client socket errors surface here; a test relay has nothing useful to do with them.
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('relay has no port');

  return {
    host: '127.0.0.1',
    port: address.port,
    messages,
    setDown(value: boolean) {
      down = value;
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      lmtp.close();
    },
  };
}
