// Writes a comment feed as RSS 2.0, Atom 1.0 or JSON Feed 1.1 with the `feed` package. Each
// format has its own rules for text: an Atom entry title is typed "html" by the package and RSS
// readers decode entities in titles, so both are HTML-escaped here; JSON titles are plain text.
// Nothing a reader typed reaches the output unescaped or able to break the XML.
import { Feed, type Author, type Item } from 'feed';
import type { CommentFeed, CommentFeedEntry } from '../domain/feeds/read-comment-feed.js';
import { translator, type Translate } from '../i18n/index.js';

export const feedFormats = ['rss', 'atom', 'json'] as const;
export type FeedFormat = (typeof feedFormats)[number];

export const feedContentTypes: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

/** `selfUrl` is where this very feed is served (its rel="self" link / feed_url). */
export function renderCommentFeed(feed: CommentFeed, format: FeedFormat, selfUrl: string): string {
  const t = translator(feed.site.locale, 'feeds');
  const text = format === 'json' ? (s: string) => s : xmlText;
  const names = { site: feed.site.name, page: feed.page?.title ?? '' };
  const out = new Feed({
    id: feed.id,
    title: text(feed.page ? t('page_title', names) : t('site_title', names)),
    description: text(feed.page ? t('page_description', names) : t('site_description', names)),
    link: feed.home,
    language: feed.site.locale,
    updated: feed.updated,
    generator: 'Epistle',
    feedLinks: { [format]: selfUrl },
  });
  for (const entry of feed.entries) out.addItem(toItem(entry, format, t));
  if (format === 'rss') return out.rss2();
  if (format === 'atom') return out.atom1();
  return toJsonFeed11(out.json1(), feed.site.locale);
}

function toItem(entry: CommentFeedEntry, format: FeedFormat, t: Translate): Item {
  const title = t('entry_title', { author: entry.author, page: entry.pageTitle });
  const author: Author = { name: format === 'json' ? entry.author : xmlText(entry.author) };
  // The package parses links with new URL(); a website edited into something else is left out.
  if (entry.authorUrl && URL.canParse(entry.authorUrl)) author.link = entry.authorUrl;
  const common = { id: entry.id, link: entry.link, date: entry.updated, published: entry.published };
  if (format === 'json') return { ...common, title, content: entry.html, author: [author] };
  if (format === 'atom') return { ...common, title: escapeHtml(xmlText(title)), content: cdata(entry.html), author: [author] };
  // RSS 2.0 <author> must be an email address, which is never published: dc:creator names the author.
  return {
    ...common,
    guid: entry.id,
    title: escapeHtml(xmlText(title)),
    // The package declares the dc and content namespaces only when an item has content.
    content: cdata(entry.html) || ' ',
    extensions: [{ name: 'dc:creator', objects: { _cdata: cdata(entry.author) } }],
  };
}

/** The package writes JSON Feed 1.0; 1.1 adds `language` and `authors` (keeping `author` for 1.0 readers). */
function toJsonFeed11(json: string, language: string): string {
  const { items, ...head } = JSON.parse(json) as { items: Array<Record<string, unknown>> } & Record<string, unknown>;
  const upgraded = items.map((item) => (item.author ? { ...item, authors: [item.author] } : item));
  return JSON.stringify({ ...head, version: 'https://jsonfeed.org/version/1.1', language, items: upgraded }, null, 2);
}

// XML 1.0 cannot carry some code points at all (U+FFFE, U+FFFF, C0 controls but tab and newlines).
const notXmlChar = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function xmlText(value: string): string {
  return value.replace(notXmlChar, '');
}

/**
 * Text for a CDATA section. xml-js (under `feed`) splits only the first "]]>" of a CDATA text;
 * the later ones are split here, so that no text can end the section and inject markup.
 * test/integration/feeds.test.ts holds this against the installed xml-js.
 */
export function cdata(value: string): string {
  const [first = '', ...rest] = xmlText(value).split(']]>');
  return rest.length === 0 ? first : `${first}]]>${rest.join(']]]]><![CDATA[>')}`;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
