// The intake benchmark (npm run bench:intake): posts 1,000 JSON comments with 20 in flight to
// `epistle serve` (SQLite in a temp dir, rate limits off) and, in the same run, to a baseline: a
// bare node:http server doing one plain better-sqlite3 insert per request. Prints posts/s and
// p99 for both, the server's idle RSS (zero-config start) and its RSS after the posts.
// With EPISTLE_BENCH_PG_URL (a database Epistle may migrate), or --pg to start a private
// PostgreSQL with scripts/postgres-temp.sh, the PostgreSQL figure is printed too.
// Options: --posts 1000 --connections 20 --epistle dist/main.js (another build, e.g. an older one)
//          --no-build --pg --cpu-prof <dir> (profiles the server while it takes the posts)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { atExit, installCleanup, run, start, stop, waitForLine } from './children.js';
import { cpuSeconds, mb, readMemory } from './memory.js';

const { values: opts } = parseArgs({
  options: {
    posts: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '20' },
    epistle: { type: 'string', default: 'dist/main.js' },
    'no-build': { type: 'boolean', default: false },
    pg: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
  },
});
const posts = Number(opts.posts);
const connections = Number(opts.connections);
const mainJs = resolve(opts.epistle);
const siteId = 'bench';
const origin = 'https://blog.example';
const say = (text: string) => process.stderr.write(`bench: ${text}\n`);

interface Result {
  label: string;
  postsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** The server's CPU time per post: the least noisy figure when neighbours load the machine. */
  cpuMicrosPerPost: number;
  rssAfterMb?: number;
}

// autocannon ships no types; only its programmatic run is used.
type Autocannon = (options: Record<string, unknown>) => Promise<{
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

async function post(label: string, url: string, pid: number): Promise<Result> {
  let n = 0;
  const cpuBefore = cpuSeconds(pid);
  const result = await autocannon({
    url,
    connections,
    amount: posts,
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    requests: [
      {
        // A distinct comment each time, spread over 50 pages (some first comments create their page).
        setupRequest: (request: Record<string, unknown>) => {
          n++;
          const body = JSON.stringify({
            url: `${origin}/posts/${n % 50}/`,
            author: `Reader ${n}`,
            email: `reader${n}@example.org`,
            body: `Comment number ${n}: a few words, **some Markdown**, and a [link](https://example.org/${n}).`,
          });
          return { ...request, body };
        },
      },
    ],
  });
  const errors = result.errors + result.timeouts + result.non2xx;
  return {
    label,
    // Over the whole run: `amount` ends the run early, so the per-second average is misleading.
    postsPerSecond: Math.round(result.requests.total / (result.duration || 1)),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors,
    cpuMicrosPerPost: Math.round(((cpuSeconds(pid) - cpuBefore) * 1e6) / result.requests.total),
  };
}

function configToml(databaseUrl: string): string {
  return `[server]
listen = "127.0.0.1:0"
demo_page = false

[database]
url = "${databaseUrl}"

[log]
level = "info"

[sites.${siteId}]
name = "Bench blog"
origins = ["${origin}"]
moderators = ["owner@blog.example"]
rate_limit_per_minute = 0
`;
}

const serverEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EPISTLE_')));

async function startEpistle(dir: string, args: string[], profile?: string, env: Record<string, string> = {}) {
  const node = profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : [];
  const server = start(process.execPath, [...node, mainJs, 'serve', ...args], { cwd: dir, env: { ...serverEnv(), ...env } });
  // The server logs every comment (JSON lines on stdout): drained, as a log file would be.
  server.stdout?.resume();
  const base = (await waitForLine(server, 'stderr', /listening on (http:\/\/\S+)/))[1]!;
  server.stderr?.resume();
  return { server, base };
}

/** RSS of a freshly started `epistle serve` with no configuration at all (the demo site). */
async function idleRss(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'epistle-idle-'));
  try {
    // Only the port is set (the demo file's 8080 may be taken on a shared machine).
    const { server } = await startEpistle(dir, [], undefined, { EPISTLE_SERVER_LISTEN: '127.0.0.1:0' });
    await new Promise((r) => setTimeout(r, 2000)); // let start-up garbage be collected
    const rss = execFileSync('ps', ['-o', 'rss=', '-p', String(server.pid)], { encoding: 'utf8' }).trim();
    await stop(server);
    return Number(rss);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function epistleIntake(label: string, databaseUrl: string, dir: string): Promise<Result> {
  const configPath = join(dir, `${label}.toml`);
  writeFileSync(configPath, configToml(databaseUrl));
  const { server, base } = await startEpistle(dir, ['--config', configPath], opts['cpu-prof']);
  try {
    // A few posts first, so the first measured ones do not pay for JIT warm-up and lazy imports.
    const warm = await fetch(`${base}/api/sites/${siteId}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ url: `${origin}/warm/`, author: 'Warm', body: 'up' }),
    });
    if (warm.status !== 202) throw new Error(`warm-up post answered ${warm.status}: ${await warm.text()}`);
    const result = await post(label, `${base}/api/sites/${siteId}/comments`, server.pid!);
    result.rssAfterMb = mb(readMemory(server.pid!).rssKb);
    return result;
  } finally {
    await stop(server);
  }
}

// The floor: what node:http + JSON.parse + one prepared better-sqlite3 insert cost (WAL, NORMAL).
const baselineSource = `
const http = require('node:http');
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE c (id INTEGER PRIMARY KEY, url TEXT, author TEXT, email TEXT, body TEXT, createdAt TEXT)');
const insert = db.prepare('INSERT INTO c (url, author, email, body, createdAt) VALUES (?, ?, ?, ?, ?)');
http.createServer((req, res) => {
  let data = '';
  req.on('data', (c) => (data += c));
  req.on('end', () => {
    const b = JSON.parse(data);
    const { lastInsertRowid } = insert.run(b.url, b.author, b.email, b.body, new Date().toISOString());
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: Number(lastInsertRowid), status: 'pending' }));
  });
}).listen(0, '127.0.0.1', function () { process.stdout.write('listening ' + this.address().port + '\\n'); });
`;

async function baselineIntake(dir: string): Promise<Result> {
  const server = start(process.execPath, ['-e', baselineSource, join(dir, 'baseline.db')], { cwd: process.cwd() });
  try {
    const port = (await waitForLine(server, 'stdout', /listening (\d+)/))[1]!;
    return await post('baseline', `http://127.0.0.1:${port}/`, server.pid!);
  } finally {
    await stop(server);
  }
}

function postgresUrl(): string | undefined {
  if (process.env.EPISTLE_BENCH_PG_URL) return process.env.EPISTLE_BENCH_PG_URL;
  if (!opts.pg) return undefined;
  const out = execFileSync('bash', ['scripts/postgres-temp.sh', 'start'], { encoding: 'utf8' });
  const env = Object.fromEntries([...out.matchAll(/export (\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
  atExit(() => execFileSync('bash', ['scripts/postgres-temp.sh', 'stop', env.EPISTLE_TEST_PG_DIR!]));
  return env.EPISTLE_TEST_PG_URL;
}

function row(r: Result): string {
  const cells = [
    r.label.padEnd(18),
    String(r.postsPerSecond).padStart(8),
    r.p50Ms.toFixed(1).padStart(8),
    r.p99Ms.toFixed(1).padStart(8),
    String(r.errors).padStart(7),
    String(r.cpuMicrosPerPost).padStart(10),
    (r.rssAfterMb === undefined ? '-' : `${r.rssAfterMb} MiB`).padStart(12),
  ];
  return cells.join('  ');
}

async function main(): Promise<number> {
  installCleanup(600_000);
  if (!opts['no-build']) {
    say('building (npm run build)');
    await run('npm', ['run', 'build', '--silent'], 180_000);
  }
  const dir = mkdtempSync(join(tmpdir(), 'epistle-intake-'));
  atExit(() => rmSync(dir, { recursive: true, force: true }));

  say('idle RSS of a zero-config `epistle serve`');
  const idleKb = await idleRss();
  say(`baseline: ${posts} posts, ${connections} in flight`);
  const results = [await baselineIntake(dir)];
  say(`epistle on SQLite: ${posts} posts, ${connections} in flight`);
  results.push(await epistleIntake('epistle sqlite', `file:${join(dir, 'epistle.db')}`, dir));
  const pg = postgresUrl();
  if (pg) {
    say(`epistle on PostgreSQL: ${posts} posts, ${connections} in flight`);
    results.push(await epistleIntake('epistle postgresql', pg, dir));
  }

  const [baseline, sqlite] = results as [Result, Result];
  process.stdout.write(`\nintake: ${posts} JSON posts, ${connections} in flight (${mainJs})\n`);
  process.stdout.write(
    `${['', 'posts/s', 'p50 ms', 'p99 ms', 'errors', 'CPU µs/post', 'RSS after'].map((h, i) => (i ? h.padStart([0, 8, 8, 8, 7, 10, 12][i]!) : h.padEnd(18))).join('  ')}\n`,
  );
  for (const r of results) process.stdout.write(`${row(r)}\n`);
  process.stdout.write(
    `epistle/baseline: ${Math.round((100 * sqlite.postsPerSecond) / baseline.postsPerSecond)}% of the posts/s, ` +
      `${(sqlite.cpuMicrosPerPost / baseline.cpuMicrosPerPost).toFixed(1)}x the CPU per post\n`,
  );
  process.stdout.write(`idle RSS (zero-config serve): ${mb(idleKb)} MiB\n`);
  const ok = sqlite.postsPerSecond >= 1000 && sqlite.p99Ms < 30 && results.every((r) => r.errors === 0);
  process.stdout.write(`goal on SQLite (>= 1000 posts/s, p99 < 30 ms, no errors): ${ok ? 'met' : 'MISSED'}\n`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
