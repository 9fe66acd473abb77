// The thread as docs/thread-markup.md draws it, the same markup as the server's comments.html,
// so that everything after this step works the same on baked-in markup.
import type { Thread, ThreadComment } from './api';
import { h } from './dom';
import { heading, t, type Strings } from './strings';

export function renderThread(thread: Thread, s: Strings, site: string): HTMLDivElement {
  const list = h('ol', { class: 'epistle-thread' });
  list.append(...thread.comments.map((c) => renderComment(c, s)));
  return h(
    'div',
    { class: 'epistle', lang: s.lang, 'data-epistle-site': site, 'data-epistle-url': thread.url, 'data-epistle-count': thread.count },
    h('h2', { class: 'epistle-heading' }, heading(s, thread.count)),
    list,
  );
}

function renderComment(c: ThreadComment, s: Strings): HTMLLIElement {
  const id = `epistle-comment-${c.id}`;
  const body = h('div', { class: 'epistle-body' });
  // Rendered from Markdown by the server at approval, with raw HTML disabled.
  body.innerHTML = c.html;
  const author = c.website
    ? h('a', { class: 'epistle-author', href: c.website, rel: 'nofollow ugc noopener' }, c.author)
    : h('span', { class: 'epistle-author' }, c.author);
  const replies = c.replies.length > 0 && h('ol', { class: 'epistle-replies' });
  if (replies) replies.append(...c.replies.map((r) => renderComment(r, s)));
  return h(
    'li',
    { class: c.byOwner ? 'epistle-comment epistle-by-owner' : 'epistle-comment', id, 'data-epistle-id': c.id },
    h(
      'article',
      { class: 'epistle-card' },
      h(
        'header',
        { class: 'epistle-meta' },
        author,
        c.byOwner && h('span', { class: 'epistle-owner-badge' }, t(s, 'owner')),
        h('a', { class: 'epistle-date', href: `#${id}` }, h('time', { datetime: c.date }, c.date)),
      ),
      body,
    ),
    replies,
  );
}
