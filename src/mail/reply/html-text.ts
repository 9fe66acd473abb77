// HTML-only replies (many phone and webmail clients send no text part) reduced to plain text
// with the quoting kept: <blockquote> becomes "> " lines and <hr> the separator Outlook puts
// above the original, so the same quote rules apply as for a text reply. Only the reading of a
// command depends on this; the output is never shown as HTML (answers go through Markdown).

const skipped = /<(head|style|script|title|template|noscript|xml)\b[^>]*>[\s\S]*?<\/\1\s*>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/gi;
const token = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)\b[^>]*?(\/?)>|([^<]+)|</g;

const blocks = new Set([
  'address',
  'article',
  'center',
  'dd',
  'div',
  'dl',
  'dt',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'li',
  'ol',
  'pre',
  'section',
  'table',
  'tbody',
  'thead',
  'tr',
  'ul',
]);

const named: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  laquo: '«',
  raquo: '»',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  copy: '©',
  reg: '®',
  euro: '€',
  agrave: 'à',
  aacute: 'á',
  acirc: 'â',
  auml: 'ä',
  ccedil: 'ç',
  egrave: 'è',
  eacute: 'é',
  ecirc: 'ê',
  euml: 'ë',
  icirc: 'î',
  iuml: 'ï',
  ocirc: 'ô',
  ouml: 'ö',
  ugrave: 'ù',
  ucirc: 'û',
  uuml: 'ü',
  szlig: 'ß',
  Agrave: 'À',
  Eacute: 'É',
  Egrave: 'È',
  Ecirc: 'Ê',
  Ccedil: 'Ç',
  Auml: 'Ä',
  Ouml: 'Ö',
  Uuml: 'Ü',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);?/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return named[name] ?? named[name.toLowerCase()] ?? whole;
  });
}

interface Line {
  depth: number;
  text: string;
}

export function htmlToText(html: string): string {
  const lines: Line[] = [];
  let depth = 0;
  let current: Line = { depth: 0, text: '' };
  const end = () => {
    lines.push(current);
    current = { depth, text: '' };
  };
  // A block boundary ends the line only if it holds something, so nested <div>s add no blanks.
  const boundary = () => {
    if (current.text.trim() !== '') end();
    else current.depth = depth;
  };
  const blank = () => {
    boundary();
    const last = lines.at(-1);
    if (last && last.text.trim() !== '') lines.push({ depth, text: '' });
  };

  for (const match of html.replace(skipped, '').matchAll(token)) {
    const [, closing, rawName, , text] = match;
    if (rawName === undefined) {
      const words = decodeEntities(text ?? '<').replace(/\s+/g, ' ');
      if (current.text === '') current.depth = depth;
      current.text += current.text === '' ? words.trimStart() : words;
      continue;
    }
    const name = rawName.toLowerCase();
    if (name === 'br') end();
    else if (name === 'hr') {
      boundary();
      lines.push({ depth, text: '________________________________' });
    } else if (name === 'blockquote') {
      boundary();
      depth = closing ? Math.max(0, depth - 1) : depth + 1;
      current.depth = depth;
    } else if (name === 'p') {
      if (closing) blank();
      else boundary();
    } else if (blocks.has(name)) boundary();
  }
  boundary();

  const text = lines.map((l) => `${'> '.repeat(l.depth)}${l.text.replace(/\u00a0/g, ' ').trim()}`.trimEnd()).join('\n');
  return text.replace(/\n{3,}/g, '\n\n').trim();
}
