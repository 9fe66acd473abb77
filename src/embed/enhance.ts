// What the embed adds to thread markup, whether it rendered it or found it baked into the page:
// relative dates, a Reply button in each comment, the comment form after the thread.
import type { Api } from './api';
import { createCommentForm } from './comment-form';
import { relativeDates } from './dates';
import { all, h } from './dom';
import { t, type Strings } from './strings';

export interface EnhanceContext {
  api: Api;
  s: Strings;
  pageUrl: string;
  title: string;
}

let forms = 0;

export function enhanceThread(root: HTMLElement, ctx: EnhanceContext): void {
  const { s } = ctx;
  all<HTMLTimeElement>(root, '.epistle-date time').forEach(relativeDates(s.lang));
  const reply = t(s, 'reply');
  for (const card of all(root, '.epistle-card')) {
    const author = card.querySelector('.epistle-author')?.textContent ?? '';
    card.append(
      h(
        'footer',
        { class: 'epistle-actions' },
        h(
          'button',
          { type: 'button', class: 'epistle-reply-button', 'aria-expanded': 'false', 'aria-label': t(s, 'reply_to', { author }) },
          reply,
        ),
      ),
    );
  }
  const form = createCommentForm({ ...ctx, uid: `epistle-form-${++forms}` }, root);
  // One listener for every Reply button, however long the thread.
  root.addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('.epistle-reply-button');
    const comment = button?.closest<HTMLElement>('.epistle-comment');
    if (button && comment && root.contains(button)) form.replyTo(comment, button);
  });
}
