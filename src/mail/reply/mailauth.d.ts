// mailauth ships no types; this covers the one function Epistle calls (DKIM verification only:
// SPF, DMARC and ARC would cost DNS queries that the moderation check does not need).
declare module 'mailauth/lib/dkim/verify.js' {
  /** Like dns.promises.resolve: TXT answers are arrays of string chunks. */
  export type DnsResolver = (name: string, rrtype: string) => Promise<string[][]>;

  export interface DkimSignatureResult {
    signingDomain: string;
    selector: string;
    status: {
      result: 'pass' | 'fail' | 'neutral' | 'policy' | 'temperror' | 'permerror' | 'none';
      comment?: string | false;
      aligned?: string | false;
    };
  }

  export function dkimVerify(
    input: Buffer | string,
    options?: { resolver?: DnsResolver; minBitLength?: number },
  ): Promise<{ headerFrom: string[]; results: DkimSignatureResult[] }>;
}
