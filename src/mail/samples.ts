// Sample data for every mail template (per the mail contract), used by `epistle mail preview`
// and by the tests that render every template in every locale. The first variant is the one
// previewed; the others exercise the optional parts and every value of a choice.
const createdAt = '2026-03-14T09:26:53.000Z';
const pageUrl = 'https://example.com/posts/hello-world/';

const comments = [
  { commentId: 41, author: 'Ann Example', pageUrl, createdAt, excerpt: 'Thanks for this post, it helped me a lot.' },
  { commentId: 42, author: 'Bo', pageUrl: 'https://example.com/about/', createdAt, excerpt: 'Is there an RSS feed?' },
];

const notification = {
  siteName: 'Example Blog',
  pageUrl,
  pagePath: '/posts/hello-world/',
  author: 'Ann Example',
  email: 'ann@example.org',
  website: 'https://ann.example.org',
  body: 'Thanks for this post!\n\nOne question: does it work with *Markdown*?',
  commentId: 42,
  createdAt,
};

const samples: Record<string, Array<Record<string, unknown>>> = {
  notification: [notification, { ...notification, email: '', website: '', parentAuthor: 'Bo' }],
  confirmation: (['answered', 'approved', 'dropped', 'spam', 'unchanged', 'already_decided'] as const).map((outcome) => ({
    commentId: 42,
    author: 'Ann Example',
    pageUrl,
    outcome,
    status: {
      answered: 'approved',
      approved: 'approved',
      dropped: 'dropped',
      spam: 'spam',
      unchanged: 'approved',
      already_decided: 'dropped',
    }[outcome],
    ...(outcome === 'answered' ? { answer: 'Yes, Markdown works in comments.' } : {}),
  })),
  help: [
    { commentId: 42, received: 'aprove' },
    { commentId: 42, received: '' },
  ],
  reminder: [
    { siteName: 'Example Blog', count: comments.length, comments },
    { siteName: 'Example Blog', count: 1, comments: comments.slice(0, 1) },
  ],
  digest: [
    { siteName: 'Example Blog', count: comments.length, comments },
    { siteName: 'Example Blog', count: 1, comments: comments.slice(0, 1) },
    // More pending than one digest lists (src/domain/maintenance/pending-mail.ts).
    { siteName: 'Example Blog', count: 130, shown: comments.length, more: 128, truncated: true, comments },
  ],
};

/** Every variant for a template; a template without samples gets all known fields at once. */
export function sampleVariants(template: string): Array<Record<string, unknown>> {
  return samples[template] ?? [Object.assign({}, ...Object.values(samples).map((v) => v[0])) as Record<string, unknown>];
}

export function sampleData(template: string): Record<string, unknown> {
  return sampleVariants(template)[0] ?? {};
}
