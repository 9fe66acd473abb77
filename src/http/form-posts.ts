// Which requests are form posts a person sent from a page: a urlencoded POST to a site's comments
// or to the Stacosys /newcomment. They are marked before the body is read, so that every error,
// the body parser's own included (413, an unreadable body), is answered with the HTML page of
// pages/form-error-page.ts in the site's language, never with JSON a person cannot read. JSON
// clients are never marked and keep the JSON errors.
import type { NextFunction, Request, Response } from 'express';
import { isFormRequest, type FormValues } from './routes/post-comment.js';

export interface FormPost {
  siteId: string;
  /** Posted to /newcomment, whose fields have Stacosys's names. */
  stacosys: boolean;
}

// Express matches routes without regard to case or a trailing slash; so does this.
const sitePost = /^\/api\/sites\/([^/]+)\/comments\/?$/i;
const stacosysPost = /^\/newcomment\/?$/i;

export function markFormPosts(stacosysSite: string | undefined) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'POST' && isFormRequest(req)) {
      const match = sitePost.exec(req.path);
      if (match) {
        try {
          res.locals.formPost = { siteId: decodeURIComponent(match[1] ?? ''), stacosys: false } satisfies FormPost;
        } catch {
          // A path that cannot be decoded names no site; the 404 is the router's.
        }
      } else if (stacosysSite !== undefined && stacosysPost.test(req.path)) {
        res.locals.formPost = { siteId: stacosysSite, stacosys: true } satisfies FormPost;
      }
    }
    next();
  };
}

export function formPostOf(res: Response): FormPost | undefined {
  return res.locals.formPost as FormPost | undefined;
}

/** What the reader typed, as far as the body could be read: nothing after a 413. */
export function typedValues(req: Request, post: FormPost): FormValues | undefined {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  const values: FormValues = post.stacosys
    ? { url: b.url, author: b.author, email: b.email, website: b.site, body: b.message }
    : { url: b.url, author: b.author, email: b.email, website: b.website, body: b.body, parent: b.parent };
  return Object.values(values).some((v) => v !== undefined) ? values : undefined;
}
