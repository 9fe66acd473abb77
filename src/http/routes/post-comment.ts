// POST /api/sites/:site/comments, as JSON (202 + JSON) or as a plain HTML form (303 back to the
// page, which shows the pending notice at #epistle-pending without JavaScript). A refused form
// gets a page with the message and the form refilled (src/http/form-posts.ts, the error handler).
import { randomInt } from 'node:crypto';
import type { Request, Response } from 'express';
import type { RawCommentInput } from '../../domain/comments/comment-input.js';
import { submitComment } from '../../domain/comments/submit-comment.js';
import { clientIp } from '../client-ip.js';
import type { HttpDeps } from '../deps.js';
import { HttpError } from '../http-error.js';

/** Name of the hidden field that humans leave empty (see templates/pages/form.partial.html). */
export const honeypotField = 'subject';

export function isFormRequest(req: Request): boolean {
  return req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded';
}

export function readBody(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError('bad_json', 400, 'the request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

export function postCommentHandler(deps: HttpDeps) {
  return async (req: Request, res: Response) => {
    const form = isFormRequest(req);
    if (!form && !req.is('application/json')) {
      throw new HttpError('unsupported_media_type', 415, 'send application/json or application/x-www-form-urlencoded');
    }
    const body = readBody(req);
    const siteId = String(req.params.site);
    const result = await submitComment(deps, {
      siteId,
      url: body.url,
      author: body.author,
      email: body.email,
      website: body.website,
      body: body.body,
      parent: body.parent,
      title: body.title,
      honeypot: body[honeypotField],
      clientIp: clientIp(req),
    });
    if (form) {
      res.redirect(303, `${result.pageUrl}#epistle-pending`);
      return;
    }
    // A honeypot hit looks exactly like success to the bot.
    const id = result.kind === 'stored' ? result.comment.id : randomInt(1, 2 ** 31);
    res.status(202).json({ id, status: 'pending' });
  };
}

/** What a refused form is refilled with: the fields a reader types. */
export type FormValues = RawCommentInput;
