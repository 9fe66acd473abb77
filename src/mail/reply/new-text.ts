// What the moderator actually wrote: the reply without the quoted notification, the client's
// "On ... wrote:" line, an Outlook header block or a signature. Only this text may hold a
// command, so a reader's comment containing "drop" (quoted back) can never act.

const quote = /^\s*>/;
// Outlook (plain text) separates the original with a rule or an "Original Message" banner.
const originalBanner =
  /^\s*-{2,}\s*(original message|message d['’]origine|ursprüngliche nachricht|forwarded message|message transféré|weitergeleitete nachricht)\s*-{2,}\s*$/i;
const rule = /^\s*_{10,}\s*$/;
const forwarded = /^\s*(begin forwarded message|début du message réexpédié)\s*:\s*$/i;
// "From: x" followed closely by "Sent:", "To:"... is the header block Outlook puts above the original.
const headerFrom = /^\s*\*?(from|de|von)\s*:/i;
const headerNext = /^\s*\*?(sent|date|to|subject|cc|envoyé|à|objet|gesendet|an|betreff|datum)\s*:/i;
const signature = /^-- ?$/;
const mobileFooter =
  /^\s*(sent from my |sent from (mail|yahoo|outlook|proton)|envoyé de mon |envoyé depuis mon |envoyé à partir de |von meinem .* gesendet|get outlook for |obtenir outlook pour |télécharger outlook pour )/i;
const attributionEnd = /(wrote|a écrit|schrieb)\s*:\s*$/i;
const attributionStart = /^\s*(on|le|am)\s/i;

/** Lines i..j (at most 3) form an "On <date>, <name> wrote:" line; returns j, or -1. */
function attributionAt(lines: string[], i: number): number {
  const first = lines[i] ?? '';
  if (quote.test(first)) return -1;
  let joined = '';
  for (let j = i; j < Math.min(lines.length, i + 3); j++) {
    const line = lines[j] ?? '';
    if (j > i && (line.trim() === '' || quote.test(line))) return -1;
    joined += ` ${line.trim()}`;
    if (attributionEnd.test(joined) && (attributionStart.test(first) || /[@<]/.test(joined))) return j;
  }
  return -1;
}

function headerBlockAt(lines: string[], i: number): boolean {
  if (!headerFrom.test(lines[i] ?? '')) return false;
  return lines.slice(i + 1, i + 5).some((l) => headerNext.test(l));
}

function nextNonBlank(lines: string[], from: number): string | undefined {
  return lines.slice(from).find((l) => l.trim() !== '');
}

export function extractNewText(text: string): string {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .replace(/\u00a0/g, ' ')
    .split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (quote.test(line)) continue;
    if (originalBanner.test(line) || rule.test(line) || forwarded.test(line) || headerBlockAt(lines, i)) break;
    if (signature.test(line) || mobileFooter.test(line)) break;
    const end = attributionAt(lines, i);
    if (end >= 0) {
      // Followed by the quote: skip it and keep reading (bottom-posting). Followed by unquoted
      // text: that text is the original pasted as is, so stop.
      const after = nextNonBlank(lines, end + 1);
      if (after !== undefined && !quote.test(after)) break;
      i = end;
      continue;
    }
    kept.push(line.trimEnd());
  }
  return kept
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
