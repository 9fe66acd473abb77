// A strict structural reading of the HTML that Epistle renders from a reader's Markdown. Markdown-it
// escapes every "<" of the input, so in safe output each "<" opens or closes one of the elements it
// emits, with quoted attributes from a short list; anything else (a raw tag from the input, an
// event handler, a script link) is reported. Stricter than a browser: what passes here parses the
// same way everywhere.
const allowedElements = new Set([
  'p', 'a', 'em', 'strong', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'hr', 'br', 'del', 's', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
]); // prettier-ignore
const voidElements = new Set(['br', 'hr']);
const allowedAttributes: Record<string, string[]> = {
  a: ['href', 'rel', 'title'],
  ol: ['start'],
  th: ['style'],
  td: ['style'],
  code: ['class'],
};
const tagAt = /^<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s"'<>/=]+(?:="[^"<>]*")?)*)\s*(\/?)>/;
const attribute = /\s+([^\s"'<>/=]+)(?:="([^"<>]*)")?/g;
const safeHref = /^(https?:|mailto:|#|\/(?![/\\]))/i;
export const expectedRel = 'nofollow ugc noopener';

export interface Element {
  name: string;
  attributes: Record<string, string>;
}

/** Every problem found in `html`; an empty list means the HTML is inert. */
export function inertProblems(html: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  for (let i = html.indexOf('<'); i !== -1; i = html.indexOf('<', i + 1)) {
    const m = tagAt.exec(html.slice(i));
    if (!m) {
      problems.push(`raw "<" at ${i}: ${JSON.stringify(html.slice(i, i + 40))}`);
      continue;
    }
    const [, closing, rawName = '', attrs = ''] = m;
    const name = rawName.toLowerCase();
    if (!allowedElements.has(name)) problems.push(`element <${name}> is not allowed`);
    if (closing) {
      if (open.pop() !== name) problems.push(`</${name}> closes nothing open`);
      continue;
    }
    const element: Element = { name, attributes: {} };
    for (const [, attrName = '', value = ''] of attrs.matchAll(attribute)) {
      const key = attrName.toLowerCase();
      if (key.startsWith('on')) problems.push(`event handler ${key} on <${name}>`);
      else if (!(allowedAttributes[name] ?? []).includes(key)) problems.push(`attribute ${key} is not allowed on <${name}>`);
      element.attributes[key] = value;
    }
    if (name === 'a') problems.push(...linkProblems(element));
    if (!voidElements.has(name)) open.push(name);
  }
  if (open.length) problems.push(`unclosed: ${open.join(', ')}`);
  return problems;
}

function linkProblems(a: Element): string[] {
  const problems: string[] = [];
  const href = a.attributes.href;
  if (href === undefined) problems.push('<a> without href');
  else if (!safeHref.test(href)) problems.push(`unsafe href ${JSON.stringify(href)}`);
  if (a.attributes.rel !== expectedRel) problems.push(`<a> rel is ${JSON.stringify(a.attributes.rel)}`);
  return problems;
}

/** The opening tags of `html`, for assertions about links. */
export function elements(html: string): Element[] {
  const found: Element[] = [];
  for (const m of html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s"'<>/=]+(?:="[^"<>]*")?)*)\s*\/?>/g)) {
    const attributes: Record<string, string> = {};
    for (const [, k = '', v = ''] of (m[2] ?? '').matchAll(attribute)) attributes[k.toLowerCase()] = v;
    found.push({ name: (m[1] ?? '').toLowerCase(), attributes });
  }
  return found;
}
