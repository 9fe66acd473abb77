// The one comment form: at the end of the thread, or moved under a comment to answer it (so
// whatever was typed stays). It posts JSON to the API and shows the answer where the reader
// looks: the pending notice at the top of the form, a refused field's message under that field.
import type { Api } from './api';
import { h } from './dom';
import { recall, remember, rememberedFields } from './remember';
import { t, type Key, type Strings } from './strings';

export interface FormContext {
  api: Api;
  s: Strings;
  pageUrl: string;
  title: string;
  /** Prefix of the form's element ids, unique on the page. */
  uid: string;
}

export interface CommentForm {
  element: HTMLFormElement;
  /** Moves the form under `comment` (an li.epistle-comment) to answer it. */
  replyTo(comment: HTMLElement, opener: HTMLButtonElement): void;
}

type Control = HTMLInputElement | HTMLTextAreaElement;

export function createCommentForm(ctx: FormContext, home: HTMLElement): CommentForm {
  const { s, uid } = ctx;
  const controls = new Map<string, { control: Control; error: HTMLElement }>();
  let parent: string | null = null;
  let opener: HTMLButtonElement | null = null;
  let busy = false;

  function field(name: string, label: Key, control: Control, hint?: HTMLElement): HTMLElement {
    const error = h('span', { class: 'epistle-field-error', id: `${uid}-${name}-error`, 'aria-live': 'polite' });
    control.id = `${uid}-${name}`;
    control.name = name;
    control.setAttribute('aria-describedby', [hint?.id, error.id].filter(Boolean).join(' '));
    controls.set(name, { control, error });
    return h('p', { class: `epistle-field epistle-field-${name}` }, h('label', { for: control.id }, t(s, label)), control, hint, error);
  }

  const title = h('h3', { class: 'epistle-form-title', id: `${uid}-title` }, t(s, 'new_comment'));
  const notice = h('p', { class: 'epistle-notice', role: 'status', 'aria-live': 'polite' });
  const formError = h('p', { class: 'epistle-form-error', role: 'alert' });
  const hint = h('span', { class: 'epistle-hint', id: `${uid}-body-hint` }, t(s, 'body_hint'));
  const rememberBox = h('input', { type: 'checkbox', id: `${uid}-remember` });
  const cancel = h('button', { type: 'button', class: 'epistle-cancel', hidden: true }, t(s, 'cancel'));
  const form = h(
    'form',
    { class: 'epistle-form', novalidate: true, 'aria-labelledby': title.id },
    title,
    notice,
    h(
      'div',
      { class: 'epistle-identity' },
      field('author', 'author', h('input', { type: 'text', autocomplete: 'name', required: true })),
      field('email', 'email', h('input', { type: 'email', autocomplete: 'email' })),
      field('website', 'website', h('input', { type: 'url', autocomplete: 'url' })),
    ),
    field('body', 'body', h('textarea', { rows: 5, required: true }), hint),
    // Bots fill every field; people never see this one.
    h(
      'p',
      { class: 'epistle-hp', 'aria-hidden': 'true' },
      h('label', null, t(s, 'honeypot'), h('input', { type: 'text', name: 'subject', tabindex: -1, autocomplete: 'off' })),
    ),
    h('p', { class: 'epistle-remember' }, rememberBox, h('label', { for: rememberBox.id }, t(s, 'remember'))),
    formError,
    h('p', { class: 'epistle-form-actions' }, h('button', { type: 'submit', class: 'epistle-submit' }, t(s, 'submit')), cancel),
  );
  const value = (name: string) => controls.get(name)?.control.value ?? '';

  const saved = recall();
  if (saved) {
    for (const name of rememberedFields) {
      const control = controls.get(name)?.control;
      if (control) control.value = saved[name] ?? '';
    }
    rememberBox.checked = true;
  }

  function clearMessages(): void {
    notice.textContent = formError.textContent = '';
    for (const { control, error } of controls.values()) {
      error.textContent = '';
      control.removeAttribute('aria-invalid');
    }
  }

  function place(where: Element | null, button: HTMLButtonElement | null, heading: string): void {
    opener?.setAttribute('aria-expanded', 'false');
    button?.setAttribute('aria-expanded', 'true');
    opener = button;
    clearMessages();
    if (where) where.after(form);
    else home.append(form);
    title.textContent = heading;
    cancel.hidden = !where;
  }

  function close(): void {
    const button = opener;
    parent = null;
    place(null, null, t(s, 'new_comment'));
    button?.focus();
  }

  cancel.addEventListener('click', close);
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && parent) close();
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    form.setAttribute('aria-busy', 'true');
    clearMessages();
    const fields = {
      url: ctx.pageUrl,
      title: ctx.title,
      author: value('author'),
      email: value('email'),
      website: value('website'),
      body: value('body'),
      subject: (form.elements.namedItem('subject') as HTMLInputElement).value,
      parent: parent === null ? null : Number(parent),
    };
    void ctx.api
      .post(fields)
      .catch(() => ({ ok: false as const, error: undefined }))
      .then((answer) => {
        if (answer.ok) {
          remember(rememberBox.checked ? { author: fields.author, email: fields.email, website: fields.website } : null);
          const body = controls.get('body')?.control;
          if (body) body.value = '';
          notice.textContent = t(s, 'pending');
          return;
        }
        const target = answer.error?.field ? controls.get(answer.error.field) : undefined;
        const message = answer.error?.message ?? t(s, 'send_failed');
        if (target) {
          target.error.textContent = message;
          target.control.setAttribute('aria-invalid', 'true');
          target.control.focus();
        } else {
          formError.textContent = message;
        }
      })
      .finally(() => {
        busy = false;
        form.removeAttribute('aria-busy');
      });
  });

  home.append(form);
  return {
    element: form,
    replyTo(comment, button) {
      const article = comment.querySelector(':scope > .epistle-card');
      if (!article) return;
      parent = comment.getAttribute('data-epistle-id');
      const author = article.querySelector('.epistle-author')?.textContent ?? '';
      place(article, button, t(s, 'reply_to', { author }));
      (value('author') ? controls.get('body') : controls.get('author'))?.control.focus();
    },
  };
}
