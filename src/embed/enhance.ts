// What the embed adds to thread markup. A thread it rendered itself already has its relative
// dates and Reply buttons (render-thread.ts); one baked into the page at build time gets them
// here. Both then get the comment form and one click listener for every Reply button.
import type { Api } from './api';
import { createCommentForm } from './comment-form';
import type { DateText } from './dates';
import { all } from './dom';
import { actionsHtml } from './render-thread';
import type { Strings } from './strings';

export interface EnhanceContext {
  api: Api;
  s: Strings;
  pageUrl: string;
  title: string;
}

let forms = 0;

/** Relative dates and Reply buttons for markup the server wrote. */
export function takeOver(root: HTMLElement, s: Strings, dates: (iso: string) => DateText | null): void {
  for (const time of all<HTMLTimeElement>(root, '.epistle-date time')) {
    const date = dates(time.dateTime);
    if (!date) continue;
    time.textContent = date.text;
    time.title = date.title;
  }
  for (const card of all(root, '.epistle-card')) {
    card.insertAdjacentHTML('beforeend', actionsHtml(s, card.querySelector('.epistle-author')?.textContent ?? ''));
  }
}

export function attachForm(root: HTMLElement, ctx: EnhanceContext): void {
  const form = createCommentForm({ ...ctx, uid: `epistle-form-${++forms}` }, root);
  root.addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('.epistle-reply-button');
    const comment = button?.closest<HTMLElement>('.epistle-comment');
    if (button && comment && root.contains(button)) form.replyTo(comment, button);
  });
}
