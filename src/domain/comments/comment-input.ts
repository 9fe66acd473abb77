// Cleans and checks what a reader typed. Everything from a reader is untrusted: control
// characters are removed (PostgreSQL refuses NUL), lone surrogates repaired, lengths capped.
import { DomainError } from '../errors.js';
import type { Site } from '../types.js';

export interface RawCommentInput {
  url?: unknown;
  author?: unknown;
  email?: unknown;
  website?: unknown;
  body?: unknown;
  parent?: unknown;
}

export interface CleanCommentInput {
  author: string;
  email: string | null;
  website: string | null;
  body: string;
  parentId: number | null;
}

// eslint-disable-next-line no-control-regex
const controlExceptNewlineAndTab = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
// eslint-disable-next-line no-control-regex
const allControl = /[\u0000-\u001F\u007F\u2028\u2029]/g;
const emailShape = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

function text(value: unknown, field: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new DomainError('invalid_field', `${field} must be text`, { field, reason: 'text' });
  return value.toWellFormed();
}

function checkLength(value: string, max: number, field: string): void {
  if ([...value].length > max) {
    throw new DomainError('invalid_field', `${field} is longer than ${max} characters`, { field, reason: 'too_long', params: { max } });
  }
}

export function cleanSingleLine(value: unknown, field: string): string {
  return text(value, field).replace(allControl, ' ').replace(/\s+/g, ' ').trim();
}

export function cleanBody(value: unknown, field = 'body'): string {
  return text(value, field).replace(/\r\n?/g, '\n').replace(controlExceptNewlineAndTab, '').trim();
}

export function cleanCommentInput(site: Site, raw: RawCommentInput): CleanCommentInput {
  const author = cleanSingleLine(raw.author, 'author');
  if (author === '') throw new DomainError('invalid_field', 'author is required', { field: 'author', reason: 'author_required' });
  checkLength(author, site.limits.authorLength, 'author');

  const body = cleanBody(raw.body);
  if (body === '') throw new DomainError('invalid_field', 'body is required', { field: 'body', reason: 'body_required' });
  checkLength(body, site.limits.bodyLength, 'body');

  const emailText = cleanSingleLine(raw.email, 'email');
  let email: string | null = null;
  if (emailText !== '') {
    checkLength(emailText, site.limits.emailLength, 'email');
    if (!emailShape.test(emailText))
      throw new DomainError('invalid_field', 'email is not an email address', { field: 'email', reason: 'email' });
    email = emailText;
  }

  const websiteText = cleanSingleLine(raw.website, 'website');
  let website: string | null = null;
  if (websiteText !== '') {
    checkLength(websiteText, site.limits.websiteLength, 'website');
    website = parseWebsite(websiteText);
  }

  return { author, email, website, body, parentId: parseParent(raw.parent) };
}

function parseWebsite(value: string): string {
  // "example.com:8080/blog" is a host and port, not a URL with the scheme "example.com".
  const hostAndPort = /^[a-z0-9-]+(\.[a-z0-9-]+)+:\d+([/?#]|$)/i.test(value);
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(value) && !hostAndPort ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new DomainError('invalid_field', 'website is not a valid URL', { field: 'website', reason: 'website' });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '' || url.username || url.password) {
    throw new DomainError('invalid_field', 'website must be an http or https address', { field: 'website', reason: 'website' });
  }
  return url.href;
}

function parseParent(value: unknown): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new DomainError('invalid_field', 'parent must be a comment id', { field: 'parent', reason: 'parent' });
  return n;
}
