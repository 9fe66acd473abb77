// The thread as HTML, in the markup of docs/thread-markup.md: the server fragment
// (GET /api/sites/<site>/comments.html), its iframe document, and the /demo page all come from
// here. A small TypeScript renderer rather than a mustache partial because this markup is a
// contract with the embed (embed.js takes baked-in markup over, so shapes must match exactly):
// the conditional shapes (a link or a span for the author, the replies list only when there are
// replies, the owner's class) read plainly in code, whitespace is ours and not a formatter's, and
// per-site template overrides (templates_dir) cannot break what the embed relies on. Everything
// from readers is escaped; the body is the HTML stored at approval (safe Markdown output).
import type { ThreadComment } from '../domain/comments/read-thread.js';
import type { Locale } from '../domain/types.js';
import { translator } from '../i18n/index.js';
import { escapeHtml } from './templates.js';

export interface ThreadView {
  siteId: string;
  pageUrl: string;
  locale: Locale;
  /** The page's thread version (data-epistle-version), by which the embed recognizes baked-in markup. */
  version: number;
  count: number;
}

const dateFormats = new Map<Locale, Intl.DateTimeFormat>();

/** The absolute date of the contract: long date, short time, in UTC, followed by " UTC". */
export function absoluteDate(iso: string, locale: Locale): string {
  let format = dateFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
    dateFormats.set(locale, format);
  }
  return `${format.format(new Date(iso))} UTC`;
}

/** "3 comments", or "No comments yet": the heading of the thread (and the iframe's title). */
export function threadHeading(locale: Locale, count: number): string {
  const t = translator(locale, 'embed');
  return count === 0 ? t('empty') : t('count', { count });
}

export function renderThreadHtml(thread: ThreadComment[], view: ThreadView): string {
  const t = translator(view.locale, 'embed');
  const heading = threadHeading(view.locale, view.count);
  const owner = escapeHtml(t('owner'));
  const comment = (c: ThreadComment): string => {
    const id = String(c.id);
    const author = c.website
      ? `<a class="epistle-author" href="${escapeHtml(c.website)}" rel="nofollow ugc noopener">${escapeHtml(c.author)}</a>`
      : `<span class="epistle-author">${escapeHtml(c.author)}</span>`;
    return (
      `<li class="epistle-comment${c.byOwner ? ' epistle-by-owner' : ''}" id="epistle-comment-${id}" data-epistle-id="${id}">\n` +
      `<article class="epistle-card">\n<header class="epistle-meta">${author}` +
      (c.byOwner ? ` <span class="epistle-owner-badge">${owner}</span>` : '') +
      ` <a class="epistle-date" href="#epistle-comment-${id}"><time datetime="${escapeHtml(c.date)}">${escapeHtml(absoluteDate(c.date, view.locale))}</time></a></header>\n` +
      `<div class="epistle-body">${c.html}</div>\n</article>\n` +
      (c.replies.length ? `<ol class="epistle-replies">\n${c.replies.map(comment).join('')}</ol>\n` : '') +
      `</li>\n`
    );
  };
  return (
    `<div class="epistle" lang="${view.locale}" data-epistle-site="${escapeHtml(view.siteId)}" data-epistle-url="${escapeHtml(view.pageUrl)}"` +
    ` data-epistle-total="${view.count}" data-epistle-version="${view.version}">\n` +
    `<h2 class="epistle-heading">${escapeHtml(heading)}</h2>\n` +
    `<ol class="epistle-thread">\n${thread.map(comment).join('')}</ol>\n</div>\n`
  );
}

export interface FrameView {
  locale: Locale;
  /** The page the thread belongs to: the base of relative links in comments, and where links open. */
  pageUrl: string;
  /** Absolute URL of the embed's stylesheet on this server. */
  stylesheet: string;
  title: string;
}

/**
 * A complete document around the fragment, for an <iframe> on a page without JavaScript. Links
 * open in the top window, relative ones against the page (`<base href=page target=_top>`), so the
 * stylesheet is linked by its absolute address.
 */
export function renderThreadFrame(fragment: string, view: FrameView): string {
  return (
    `<!doctype html>\n<html lang="${view.locale}">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="robots" content="noindex">\n` +
    `<title>${escapeHtml(view.title)}</title>\n<link rel="stylesheet" href="${escapeHtml(view.stylesheet)}">\n` +
    `<base href="${escapeHtml(view.pageUrl)}" target="_top">\n</head>\n<body>\n${fragment}</body>\n</html>\n`
  );
}

/** The iframe document when there is no thread to show (unknown site, page not on the site): the reason, readable. */
export function renderFrameError(message: string, locale: Locale): string {
  return (
    `<!doctype html>\n<html lang="${locale}">\n<head>\n<meta charset="utf-8">\n<meta name="robots" content="noindex">\n` +
    `<title>${escapeHtml(message)}</title>\n</head>\n<body>\n<p class="epistle-error" role="alert">${escapeHtml(message)}</p>\n</body>\n</html>\n`
  );
}
