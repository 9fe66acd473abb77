// Gives every request an id (kept from X-Request-Id when sane, so proxies can correlate) and logs
// one line when it ends. The query string is logged (page URLs), bodies and headers are not.
// The hot path stays cheap (the read API serves thousands of requests a second): the line is
// written by the component logger with the id as a field, and the per-request child logger
// (`req.log`) is only built the first time a handler logs something. The fast path in front of
// Express (fast-read.ts) uses the same id rule and the same line.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    log: Logger;
  }
}

const saneId = /^[\w.-]{1,64}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && saneId.test(header) ? header : randomUUID();
}

export type AccessLog = (req: IncomingMessage, res: ServerResponse, reqId: string, path: string, started?: number) => void;

/** Writes a request's access line once its answer is finished. */
export function accessLog(logger: Logger): AccessLog {
  // The line carries only the fields written below, none of which a redaction path names; pino
  // would still run its redactor on every value (the paths start with a wildcard), which tripled
  // the line's cost. Everything else, req.log included, keeps the redacting logger.
  const access = logger.child({}, { redact: [] });
  return (req, res, reqId, path, started = performance.now()) => {
    res.on('finish', () => {
      const ms = Math.round((performance.now() - started) * 10) / 10;
      const line = { reqId, method: req.method, path, status: res.statusCode, ms };
      if (res.statusCode >= 500) access.error(line, 'request failed');
      else access.info(line, 'request');
    });
  };
}

const childLogger = Symbol('epistle.childLogger');

type LoggedRequest = Request & { [childLogger]?: Logger };

// A getter defined once on the app's request prototype: defining it on every request object
// would switch each one to slow dictionary mode. The child is cached on the request when built.
const withLazyLog = new WeakSet<object>();
function installLazyLog(proto: object, logger: Logger): void {
  if (withLazyLog.has(proto)) return;
  withLazyLog.add(proto);
  Object.defineProperty(proto, 'log', {
    configurable: true,
    get(this: LoggedRequest): Logger {
      return (this[childLogger] ??= logger.child({ reqId: this.id }));
    },
    set(this: LoggedRequest, value: Logger) {
      this[childLogger] = value;
    },
  });
}

export function requestLog(logger: Logger) {
  const logAccess = accessLog(logger);
  return (req: Request, res: Response, next: NextFunction) => {
    installLazyLog(Object.getPrototypeOf(req) as object, logger);
    const reqId = requestIdFrom(req.headers['x-request-id']);
    req.id = reqId;
    res.setHeader('X-Request-Id', reqId);
    logAccess(req, res, reqId, req.originalUrl);
    next();
  };
}
