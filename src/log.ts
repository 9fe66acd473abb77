// One pino logger for the process; components take a child with their name. Anything that
// looks like a secret is redacted by path so it cannot reach the log by accident.
import { pino, type Logger } from 'pino';

export type { Logger };

export const redactPaths = [
  'password',
  '*.password',
  '*.*.password',
  // nodemailer and imapflow name the password `pass` in their auth objects.
  'pass',
  '*.pass',
  '*.*.pass',
  'token',
  '*.token',
  'authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  // A build hook's URL starts builds: log its host (src/config/sections/rebuild.ts hookHost), never the URL.
  'rebuild_hook',
  '*.rebuild_hook',
  'sites.*.rebuild_hook',
  'config.sites.*.rebuild_hook',
  'config.smtp.password',
  'config.imap.password',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { app: 'epistle' }, redact: { paths: redactPaths, censor: '[redacted]' } }, destination);
}
