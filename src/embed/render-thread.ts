// The thread as docs/thread-markup.md draws it (the markup of the server's comments.html), with
// what the embed adds already in: relative dates and Reply buttons. Built as one HTML string and
// parsed once, which costs the browser about what the server fragment would (bench/README.md);
// every text from a reader goes through escapeHtml, the comment body is the server's stored,
// sanitized HTML.
import type { Thread, ThreadComment } from './api';
import type { DateText } from './dates';
import { heading, t, type Strings } from './strings';

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => entities[c] ?? c);

/** The footer the embed adds to each comment's card (baked-in cards get it too). */
export function actionsHtml(s: Strings, author: string): string {
  return `<footer class="epistle-actions"><button type="button" class="epistle-reply-button" aria-expanded="false" aria-label="${escapeHtml(
    t(s, 'reply_to', { author }),
  )}">${escapeHtml(t(s, 'reply'))}</button></footer>`;
}

export function renderThread(thread: Thread, s: Strings, site: string, dates: (iso: string) => DateText | null): HTMLElement {
  const owner = escapeHtml(t(s, 'owner'));
  const comment = (c: ThreadComment): string => {
    const id = `epistle-comment-${c.id}`;
    const author = escapeHtml(c.author);
    const date = dates(c.date);
    return (
      `<li class="epistle-comment${c.byOwner ? ' epistle-by-owner' : ''}" id="${id}" data-epistle-id="${c.id}"><article class="epistle-card">` +
      `<header class="epistle-meta">${
        c.website
          ? `<a class="epistle-author" href="${escapeHtml(c.website)}" rel="nofollow ugc noopener">${author}</a>`
          : `<span class="epistle-author">${author}</span>`
      }${c.byOwner ? `<span class="epistle-owner-badge">${owner}</span>` : ''}<a class="epistle-date" href="#${id}"><time datetime="${escapeHtml(
        c.date,
      )}"${date ? ` title="${escapeHtml(date.title)}">${escapeHtml(date.text)}` : `>${escapeHtml(c.date)}`}</time></a></header>` +
      `<div class="epistle-body">${c.html}</div>${actionsHtml(s, c.author)}</article>` +
      (c.replies.length ? `<ol class="epistle-replies">${c.replies.map(comment).join('')}</ol>` : '') +
      '</li>'
    );
  };
  const html =
    `<div class="epistle" lang="${escapeHtml(s.lang)}" data-epistle-site="${escapeHtml(site)}" data-epistle-url="${escapeHtml(thread.url)}" data-epistle-total="${thread.count}">` +
    `<h2 class="epistle-heading">${escapeHtml(heading(s, thread.count))}</h2><ol class="epistle-thread">${thread.comments.map(comment).join('')}</ol></div>`;
  // Parsed in a plain element of this document: a <template>'s inert document parsed this
  // thread about half as fast in Chromium.
  const box = document.createElement('div');
  box.innerHTML = html;
  return box.firstElementChild as HTMLElement;
}
