// The mail-level half of authenticating a reply: who sent it (From, normalized) and, for sites
// with require_dkim, whether a valid DKIM signature of the From domain covers it. The rules
// (token, moderator list, when DKIM is needed) live in src/domain/moderation/handle-reply.ts.
import { dkimVerify, type DnsResolver } from 'mailauth/lib/dkim/verify.js';
import type { DkimVerdict } from '../../domain/moderation/inbound-reply.js';

export type { DnsResolver };

/** The one sender address, lower case and trimmed; null for none or several (never guess). */
export function normalizeSender(addresses: string[]): string | null {
  const cleaned = addresses.map((a) => a.trim().toLowerCase()).filter((a) => a !== '');
  if (cleaned.length !== 1) return null;
  const [address] = cleaned;
  return address && /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(address) ? address : null;
}

/**
 * Passes when at least one signature verifies and its domain is aligned (same organizational
 * domain) with the From address. `resolver` answers the DNS TXT lookups (tests serve a test key).
 */
export async function verifyDkim(raw: Buffer, from: string | null, resolver?: DnsResolver): Promise<DkimVerdict> {
  if (!from) return { pass: false, reason: 'no single From address' };
  let results;
  try {
    ({ results } = await dkimVerify(raw, resolver ? { resolver } : {}));
  } catch (error) {
    return { pass: false, reason: `DKIM check failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  const fromDomain = from.slice(from.lastIndexOf('@') + 1);
  const good = results.find((r) => r.status.result === 'pass' && r.status.aligned);
  if (good) return { pass: true, domain: good.signingDomain };
  // mailauth reports an unsigned message as one result with status "none".
  const signatures = results.filter((r) => r.status.result !== 'none');
  if (signatures.length === 0) return { pass: false, reason: 'no DKIM signature' };
  const seen = signatures.map((r) => `${r.signingDomain || '?'}: ${r.status.result}${r.status.comment ? ` (${r.status.comment})` : ''}`);
  return { pass: false, reason: `no passing DKIM signature aligned with ${fromDomain} [${seen.join('; ')}]` };
}
