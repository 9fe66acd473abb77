// The read benchmark (npm run bench). Builds Epistle, seeds a 300-comment and a 20-comment page
// through the real use cases, starts `node dist/main.js serve` as its own process, and loads
// GET /api/sites/<site>/comments?url=<page> next to a static baseline serving the identical bytes.
// Prints the table, writes bench/results/*.json, exits 1 when a target is missed.
// Options: --connections 50 --seconds 10 --tool wrk|autocannon --log-level info --no-nginx
import { existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { atExit, installCleanup, run, start, stop, stopAll, waitForLine } from './children.js';
import { load, pickTool, wrkThreads, type LoadOptions, type LoadResult, type Tool } from './load.js';
import { cpuSeconds, readMemory, sampleMemory } from './memory.js';
import { nginxBinary, startNginx } from './nginx.js';
import { format, save, verdict, type BenchResults, type PageRuns } from './report.js';
import { seed } from './seed.js';

const { values: opts } = parseArgs({
  options: {
    connections: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '10' },
    tool: { type: 'string' },
    'log-level': { type: 'string', default: 'info' },
    'no-nginx': { type: 'boolean', default: false },
  },
});
const connections = Number(opts.connections);
const seconds = Number(opts.seconds);
const logLevel = opts['log-level'];
const siteId = 'bench';
const origin = 'https://blog.example';
const pages = [
  { label: 'long', url: `${origin}/posts/long-thread/`, comments: 300, replyEvery: 4 },
  { label: 'short', url: `${origin}/posts/short-thread/`, comments: 20, replyEvery: 5 },
];
const contentType = 'application/json; charset=utf-8';
const say = (text: string) => process.stderr.write(`bench: ${text}\n`);

async function main(): Promise<number> {
  const loadBefore = loadavg()[0] ?? 0; // before our own build adds to it
  say('checking wrk (scripts/install-test-deps.sh --bench)');
  await run('bash', ['scripts/install-test-deps.sh', '--bench'], 600_000);
  installCleanup(180_000); // the install above may legitimately take long; the rest may not
  const tool = pickTool(opts.tool);
  say('building (npm run build)');
  await run('npm', ['run', 'build', '--silent'], 120_000);

  const dir = mkdtempSync(join(tmpdir(), 'epistle-bench-'));
  atExit(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const configPath = join(dir, 'epistle.toml');
    writeFileSync(configPath, configToml(join(dir, 'epistle.db')));
    say(`seeding ${pages.map((p) => `${p.comments}`).join(' + ')} approved comments in ${dir}`);
    const seedStarted = Date.now();
    await seed(configPath, siteId, pages);
    say(`seeded in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);

    const serverEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EPISTLE_')));
    const logFile = openSync(join(dir, 'server.log'), 'a');
    const server = start(process.execPath, ['dist/main.js', 'serve', '--config', configPath], {
      env: serverEnv,
      stdio: ['ignore', logFile, 'pipe'],
    });
    const base = (await waitForLine(server, 'stderr', /listening on (http:\/\/\S+)/))[1]!;
    const pid = server.pid!;
    say(`Epistle pid ${pid} at ${base}`);

    const bodies = new Map<string, Buffer>();
    for (const page of pages) {
      const url = `${base}/api/sites/${siteId}/comments?url=${encodeURIComponent(page.url)}`;
      bodies.set(page.label, await fetchBody(url, page.comments));
      await warmUp(url, 200);
    }
    await new Promise((r) => setTimeout(r, 500));
    const idle = readMemory(pid);

    // Each page: Epistle, then the baselines right after, so that all see the same machine.
    const sampler = sampleMemory(pid);
    const results: PageRuns[] = [];
    for (const page of pages) {
      const path = `/api/sites/${siteId}/comments?url=${encodeURIComponent(page.url)}`;
      const epistle = await measure(tool, 'Epistle', page.comments, { url: `${base}${path}`, connections, seconds }, pid);
      const body = bodies.get(page.label)!;
      const bodyFile = join(dir, `${page.label}.json`);
      writeFileSync(bodyFile, body);
      const baseline = start(process.execPath, ['--import', 'tsx', 'bench/static-server.ts', bodyFile, contentType]);
      const port = (await waitForLine(baseline, 'stdout', /listening (\d+)/))[1]!;
      const node = await measure(
        tool,
        'node:http',
        page.comments,
        { url: `http://127.0.0.1:${port}${path}`, connections, seconds },
        baseline.pid,
      );
      await stop(baseline);
      let nginx: LoadResult | undefined;
      if (page.label === 'long' && !opts['no-nginx'] && existsSync(nginxBinary)) {
        const started = await startNginx(dir, bodyFile, contentType);
        const url = `http://127.0.0.1:${started.port}${path}`;
        await waitUntilServing(url, body.length);
        nginx = await measure(tool, 'nginx', page.comments, { url, connections, seconds });
        await stop(started.child);
      }
      results.push({ label: page.label, comments: page.comments, jsonBytes: body.length, epistle, node, ...(nginx ? { nginx } : {}) });
    }
    const peakDuringLoad = sampler.stop();
    await stop(server);

    const date = new Date().toISOString();
    const settings = {
      tool: tool === 'wrk' ? `wrk (${wrkThreads} thread${wrkThreads > 1 ? 's' : ''})` : tool,
      connections,
      seconds,
      logLevel,
      cpus: availableParallelism(),
      node: process.version,
      loadBefore,
    };
    const record: BenchResults = { date, settings, pages: results, memory: { idle, peakDuringLoad }, verdict: verdict(results[0]!) };
    process.stdout.write(`\n${format(record)}\n`);
    say(`results written to ${save('bench/results', record)}`);
    return record.verdict.pass ? 0 : 1;
  } finally {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

function configToml(dbPath: string): string {
  return `[server]
listen = "127.0.0.1:0"
demo_page = false

[database]
url = "file:${dbPath}"

[log]
level = "${logLevel}"

[sites.${siteId}]
name = "Bench blog"
origins = ["${origin}"]
moderators = ["owner@blog.example"]
rate_limit_per_minute = 0
`;
}

async function fetchBody(url: string, expected: number): Promise<Buffer> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${await res.text()}`);
  const body = Buffer.from(await res.arrayBuffer());
  const count = (JSON.parse(body.toString()) as { count: number }).count;
  if (count !== expected) throw new Error(`GET ${url} shows ${count} comments, seeded ${expected}`);
  return body;
}

async function warmUp(url: string, requests: number): Promise<void> {
  for (let i = 0; i < requests; i++) await (await fetch(url)).arrayBuffer();
}

async function waitUntilServing(url: string, bytes: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(url);
      if (res.ok && (await res.arrayBuffer()).byteLength === bytes) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not start serving`);
}

/** One second of unrecorded load first, so that every server is measured warm. */
async function measure(tool: Tool, server: string, comments: number, options: LoadOptions, pid?: number): Promise<LoadResult> {
  await load(tool, { ...options, seconds: 1 });
  say(`loading ${server}, ${comments}-comment page, ${options.connections} connections, ${options.seconds} s (${tool})`);
  const cpuBefore = pid ? cpuSeconds(pid) : 0;
  const result = await load(tool, options);
  if (pid && result.requests > 0) result.cpuMicrosPerRequest = ((cpuSeconds(pid) - cpuBefore) * 1e6) / result.requests;
  return result;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    process.stderr.write(`bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await stopAll();
    process.exit(2);
  },
);
