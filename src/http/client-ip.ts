import type { Request } from 'express';

/** The reader's address: Express resolves X-Forwarded-For only through [server] trusted_proxies. */
export function clientIp(req: Request): string | null {
  const ip = req.ip ?? req.socket.remoteAddress;
  if (!ip) return null;
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
