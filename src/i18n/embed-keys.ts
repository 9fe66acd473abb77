// The strings the browser embed reads, as served by GET /api/sites/{site}/strings: the whole
// `embed` namespace plus these labels of `form`, which the plain HTML form shows too (one text,
// two forms). Pure data: src/embed/ imports its types for the browser build.
export const embedFormKeys = ['author', 'email', 'website', 'body', 'body_hint', 'honeypot', 'submit', 'pending'] as const;

export type EmbedFormKey = (typeof embedFormKeys)[number];
