import { randomBytes } from 'node:crypto';

/** A per-comment secret for the email loop: 256 random bits, hex. */
export function newModerationToken(): string {
  return randomBytes(32).toString('hex');
}
