// The stable error vocabulary of Epistle. Codes are part of the public API (docs/api.md); the
// HTTP edge maps them to statuses in one place (src/http/error-mapper.ts), the CLI and the mail
// watcher report them as they are. No HTTP status lives here.
export const errorCodes = [
  'site_not_found',
  'invalid_field',
  'url_not_on_site',
  'parent_not_found',
  'rate_limited',
  'comment_not_found',
  'already_decided',
  'origin_not_allowed',
  'page_not_found',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: {
      field?: string;
      /** Finer cause for invalid_field, a key of locales/<lng>/errors.json invalid_field_detail. */
      reason?: string;
      retryAfterSeconds?: number;
      params?: Record<string, string | number>;
    } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DomainError';
  }

  get field(): string | undefined {
    return this.details.field;
  }
}
