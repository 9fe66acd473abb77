// The one pooled SMTP transport of the process, from [smtp]. Pooled because each new connection
// costs a TLS handshake and a greeting (often ~100 ms or more); every network step has a deadline.
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { smtpPort, type SmtpConfig } from '../../config/sections/mail.js';

export type SmtpTransport = Transporter<SMTPPool.SentMessageInfo, SMTPPool.Options>;

export function smtpTransportOptions(smtp: SmtpConfig): SMTPPool.Options {
  const timeout = smtp.timeout_seconds * 1000;
  return {
    pool: true,
    maxConnections: smtp.pool_size,
    host: smtp.host,
    port: smtpPort(smtp),
    // tls: TLS from the first byte; starttls: refuse to continue if the upgrade is not offered;
    // none: plain text even when the server offers STARTTLS (local relays only).
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    ...(smtp.user !== undefined ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // Mail content is built from readers' text: never let it make nodemailer read files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  };
}

export function createSmtpTransport(smtp: SmtpConfig): SmtpTransport {
  return nodemailer.createTransport(smtpTransportOptions(smtp));
}
