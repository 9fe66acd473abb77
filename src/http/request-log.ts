// Gives every request an id (kept from X-Request-Id when sane, so proxies can correlate) and logs
// one line when it ends. The query string is logged (page URLs), bodies and headers are not.
// The hot path stays cheap (the read API serves thousands of requests a second): the line is
// written by the component logger with the id as a field, and the per-request child logger
// (`req.log`) is only built the first time a handler logs something.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    log: Logger;
  }
}

const saneId = /^[\w.-]{1,64}$/;
const parentLogger = Symbol('epistle.parentLogger');
const childLogger = Symbol('epistle.childLogger');

type LoggedRequest = Request & { [parentLogger]: Logger; [childLogger]?: Logger };

// A getter defined once on the app's request prototype: defining it on every request object
// would switch each one to slow dictionary mode.
const withLazyLog = new WeakSet<object>();
function installLazyLog(proto: object): void {
  if (withLazyLog.has(proto)) return;
  withLazyLog.add(proto);
  Object.defineProperty(proto, 'log', {
    configurable: true,
    get(this: LoggedRequest): Logger {
      return (this[childLogger] ??= this[parentLogger].child({ reqId: this.id }));
    },
    set(this: LoggedRequest, value: Logger) {
      this[childLogger] = value;
    },
  });
}

export function requestLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    installLazyLog(Object.getPrototypeOf(req) as object);
    const incoming = req.get('x-request-id');
    const reqId = incoming && saneId.test(incoming) ? incoming : randomUUID();
    req.id = reqId;
    (req as LoggedRequest)[parentLogger] = logger;
    res.setHeader('X-Request-Id', reqId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const line = { reqId, method: req.method, path: req.originalUrl, status: res.statusCode, ms: Math.round(ms * 10) / 10 };
      if (res.statusCode >= 500) logger.error(line, 'request failed');
      else logger.info(line, 'request');
    });
    next();
  };
}
