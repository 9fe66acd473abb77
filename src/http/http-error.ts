// Errors that only exist at the HTTP edge (malformed requests); domain errors are in src/domain/errors.ts.
export type HttpErrorCode = 'bad_json' | 'payload_too_large' | 'unsupported_media_type' | 'not_found' | 'internal';

export class HttpError extends Error {
  constructor(
    readonly code: HttpErrorCode,
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpError';
  }
}

/** body-parser reports its failures as errors with a `type`; turn them into our vocabulary. */
export function fromBodyParser(error: unknown): HttpError | undefined {
  // The router's decodeURIComponent of a path parameter: a path that cannot be decoded names nothing.
  if (error instanceof URIError) return new HttpError('not_found', 404, 'the path is not valid', { cause: error });
  // zlib fails on a corrupt gzip/deflate/br body before body-parser can give the error a type.
  if (typeof error === 'object' && error !== null && String((error as { code?: unknown }).code).startsWith('Z_')) {
    return new HttpError('bad_json', 400, 'the request body could not be decompressed', { cause: error });
  }
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  const type = error.type;
  switch (type) {
    case 'entity.parse.failed':
      return new HttpError('bad_json', 400, 'the request body is not valid JSON', { cause: error });
    case 'entity.too.large':
    case 'parameters.too.many':
      return new HttpError('payload_too_large', 413, 'the request body is too large', { cause: error });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError('unsupported_media_type', 415, 'unsupported body encoding or charset', { cause: error });
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new HttpError('bad_json', 400, 'the request body could not be read', { cause: error });
    default:
      return undefined;
  }
}
