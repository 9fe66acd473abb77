// The one place where errors become HTTP responses: status codes, the JSON error shape
// {"error": {"code", "message", "field"}} and localized messages. Unknown errors are 500s, logged
// with their stack; nothing about them reaches the client.
import type { ErrorCode } from '../domain/errors.js';
import { DomainError } from '../domain/errors.js';
import type { Locale } from '../domain/types.js';
import { translator } from '../i18n/index.js';
import { fromBodyParser, HttpError, type HttpErrorCode } from './http-error.js';

const statusOf: Record<ErrorCode, number> = {
  site_not_found: 404,
  invalid_field: 422,
  url_not_on_site: 422,
  parent_not_found: 422,
  rate_limited: 429,
  comment_not_found: 404,
  already_decided: 409,
  origin_not_allowed: 403,
  page_not_found: 404,
};

export interface ErrorPayload {
  status: number;
  code: ErrorCode | HttpErrorCode;
  message: string;
  field?: string;
  retryAfterSeconds?: number;
}

export function describeError(error: unknown, locale: Locale): ErrorPayload {
  const t = translator(locale, 'errors');
  const http = error instanceof HttpError ? error : fromBodyParser(error);
  if (http) return { status: http.status, code: http.code, message: t(http.code) };
  if (error instanceof DomainError) {
    const { field, reason, retryAfterSeconds, params } = error.details;
    // A field is named in the reader's language ("nom", not "author") in every message.
    const fieldName = field ? t(`fields.${field}`, { defaultValue: field }) : '';
    const message =
      error.code === 'invalid_field' && reason
        ? `${t('invalid_field', { field: fieldName })} ${t(`invalid_field_detail.${reason}`, params ?? {})}`
        : t(error.code, { ...params, field: fieldName });
    return {
      status: statusOf[error.code],
      code: error.code,
      message,
      ...(field ? { field } : {}),
      ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
    };
  }
  return { status: 500, code: 'internal', message: t('internal') };
}

export function errorBody(p: ErrorPayload): { error: { code: string; message: string; field: string | null } } {
  return { error: { code: p.code, message: p.message, field: p.field ?? null } };
}
