// An Epistle instance in this process, on a real database and a real HTTP port, for tests.
import { Writable } from 'node:stream';
import { validate } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { startHttp, type RunningServer } from '../../src/server.js';
import { createServices, type Services } from '../../src/services.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestApp {
  services: Services;
  http: RunningServer;
  url: string;
  db: TestDatabase;
  /** Every log line written so far, parsed. */
  logs: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

export interface TestAppOptions {
  /** Another app's database: the two instances share it, as a scaled-out deployment would. Not dropped by this app's stop(). */
  database?: TestDatabase;
}

/** `configure` receives the parsed TOML-like table before validation. */
export async function startTestApp(
  configure: (table: Record<string, any>) => void = () => {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const db = options.database ?? (await createTestDatabase());
  const table: Record<string, any> = {
    server: { listen: '127.0.0.1:0' },
    database: { url: db.url },
    log: { level: 'debug' },
    sites: {
      demo: {
        name: 'Demo',
        origins: ['http://localhost:8080', 'http://127.0.0.1:8080'],
        moderators: ['owner@example.test'],
        rate_limit_per_minute: 0,
      },
    },
  };
  configure(table);
  const config: Config = validate(table);
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const services = await createServices(config, createLogger(config.log.level, sink));
  const http = await startHttp(services);
  return {
    services,
    http,
    url: http.url,
    db,
    logs,
    async stop() {
      await http.stop();
      await services.close();
      if (!options.database) await db.drop();
    },
  };
}

export const pageUrl = 'http://localhost:8080/demo';

export async function postJson(app: TestApp, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export async function postForm(
  app: TestApp,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

/** Stores a comment through the API and approves it through the use case, as a moderator would. */
export async function publish(app: TestApp, fields: Record<string, unknown>): Promise<number> {
  const res = await postJson(app, '/api/sites/demo/comments', { url: pageUrl, author: 'Ann', body: 'Hello', ...fields });
  if (res.status !== 202) throw new Error(`post failed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: number };
  const { moderateComment } = await import('../../src/domain/comments/moderate-comment.js');
  await moderateComment(app.services, { commentId: id, decision: 'approve', by: 'test' });
  return id;
}
