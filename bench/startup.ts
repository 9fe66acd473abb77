// Start-up benchmark (npm run bench:startup): time from spawning `node dist/main.js serve` in an
// empty folder (zero-config SQLite) to the first 200 from /readyz, next to a bare node:http server
// started the same way in the same run. "first start" writes the config, creates the database and
// applies the migrations; "restart" finds them. Median and worst of --runs each.
// Also the CPU time the process used until ready (/proc), which other work on the machine
// inflates far less than the wall time. Target (issue 8): every wall-time median <= 1.5 s.
// Exits 1 when missed.
// Options: --runs 5 --no-build
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { atExit, freePort, installCleanup, run, start, stop } from './children.js';
import { cpuSeconds } from './memory.js';

const { values: opts } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, 'no-build': { type: 'boolean', default: false } },
});
const runs = Number(opts.runs);
const targetMs = 1500;
const say = (text: string) => process.stderr.write(`bench: ${text}\n`);
const baselineScript = `require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.argv[1]), '127.0.0.1')`;

interface Sample {
  wallMs: number;
  cpuMs: number;
}

/** Milliseconds from spawn to the first 200 on `path` (polled every 5 ms), and CPU used by then. */
async function timeToReady(args: string[], cwd: string, path: string): Promise<Sample> {
  const port = await freePort();
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EPISTLE_'))),
    EPISTLE_SERVER_LISTEN: `127.0.0.1:${port}`,
    EPISTLE_LOG_LEVEL: 'warn',
  };
  const started = performance.now();
  const child = start(process.execPath, [...args, ...(args[0] === '-e' ? [String(port)] : [])], { cwd, env });
  child.stdout?.resume();
  child.stderr?.resume();
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
      if (performance.now() - started > 30_000) throw new Error(`${args.join(' ')}: not ready after 30 s`);
      const ok = await fetch(`http://127.0.0.1:${port}${path}`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return { wallMs: performance.now() - started, cpuMs: cpuSeconds(child.pid ?? 0) * 1000 };
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    await stop(child);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<number> {
  installCleanup(10 * 60_000);
  if (!opts['no-build']) {
    say('building (node scripts/build.mjs)');
    await run(process.execPath, ['scripts/build.mjs'], 300_000);
  }
  const rows: Array<{ label: string; times: Sample[] }> = [
    { label: 'node:http baseline', times: [] },
    { label: 'epistle first start', times: [] },
    { label: 'epistle restart', times: [] },
  ];
  const main = join(process.cwd(), 'dist/main.js');
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'epistle-startup-'));
    atExit(() => rmSync(dir, { recursive: true, force: true }));
    rows[0]?.times.push(await timeToReady(['-e', baselineScript], dir, '/'));
    rows[1]?.times.push(await timeToReady([main, 'serve'], dir, '/readyz'));
    rows[2]?.times.push(await timeToReady([main, 'serve'], dir, '/readyz'));
    say(`run ${i + 1}/${runs} done`);
  }
  const wall = (r: { times: Sample[] }) => r.times.map((t) => t.wallMs);
  const baseline = median(wall(rows[0] ?? { times: [] }));
  process.stdout.write(
    `\nstart to ready, ${runs} runs, Node ${process.versions.node}, load average ${loadavg()[0]?.toFixed(1)} ` +
      `(target: epistle median <= ${targetMs} ms)\n`,
  );
  const columns = ['median ms', 'worst ms', 'x baseline', 'CPU ms'];
  process.stdout.write(`${'what'.padEnd(22)}${columns.map((c) => c.padStart(12)).join('')}\n`);
  for (const row of rows) {
    const m = median(wall(row));
    const cells = [m, Math.max(...wall(row)), m / baseline, median(row.times.map((t) => t.cpuMs))];
    process.stdout.write(`${row.label.padEnd(22)}${cells.map((c, i) => c.toFixed(i === 2 ? 1 : 0).padStart(12)).join('')}\n`);
  }
  const pass = rows.slice(1).every((r) => median(wall(r)) <= targetMs);
  process.stdout.write(`${pass ? 'PASS' : 'FAIL'}\n`);
  return pass ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
