// Turns the measurements into the printed table, the verdict against the targets, and the JSON
// record written to bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadResult } from './load.js';
import { mb, type Memory } from './memory.js';

export const targets = { minRatio: 0.3, maxP99Ms: 100 };

export interface PageRuns {
  label: string;
  comments: number;
  jsonBytes: number;
  epistle: LoadResult;
  node: LoadResult;
  nginx?: LoadResult;
}

export interface BenchResults {
  date: string;
  settings: { tool: string; connections: number; seconds: number; logLevel: string; cpus: number; node: string; loadBefore: number };
  pages: PageRuns[];
  memory: { idle: Memory; peakDuringLoad: Memory };
  verdict: { ratio: number; p99Ms: number; ratioOk: boolean; p99Ok: boolean; pass: boolean };
}

export function verdict(main: PageRuns): BenchResults['verdict'] {
  const ratio = main.epistle.requestsPerSecond / main.node.requestsPerSecond;
  const ratioOk = ratio >= targets.minRatio;
  const p99Ok = main.epistle.p99Ms < targets.maxP99Ms;
  const clean = main.epistle.errors === 0 && main.node.errors === 0;
  return { ratio, p99Ms: main.epistle.p99Ms, ratioOk, p99Ok, pass: ratioOk && p99Ok && clean };
}

const fixed = (n: number, digits: number) => n.toFixed(digits);

function row(cells: string[]): string {
  const widths = [22, 12, 10, 10, 10, 8, 12];
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 10) : c.padStart(widths[i] ?? 10))).join(' ');
}

function line(page: string, server: string, r: LoadResult): string {
  const cpu = r.cpuMicrosPerRequest === undefined ? '-' : fixed(r.cpuMicrosPerRequest, 0);
  return row([page, server, fixed(r.requestsPerSecond, 0), fixed(r.p50Ms, 2), fixed(r.p99Ms, 2), String(r.errors), cpu]);
}

export function format(results: BenchResults): string {
  const s = results.settings;
  const out = [
    `Epistle read benchmark: GET /api/sites/<site>/comments?url=<page>`,
    `${s.tool}, ${s.connections} connections, ${s.seconds} s per run, 127.0.0.1, ${s.cpus} CPUs, Node ${s.node}`,
    `Epistle log level: ${s.logLevel} (one access line per request, written to a file)`,
    `load average when the run began: ${fixed(s.loadBefore, 2)}${s.loadBefore > s.cpus / 2 ? ' (other work on this machine makes the numbers lower and noisier)' : ''}`,
    '',
    row(['page', 'server', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'CPU µs/req']),
  ];
  for (const p of results.pages) {
    out.push(line(`${p.comments} comments`, 'Epistle', p.epistle));
    out.push(line(`(${fixed(p.jsonBytes / 1024, 1)} KiB JSON)`, 'node:http', p.node));
    if (p.nginx) out.push(line('', 'nginx', p.nginx));
    const ratio = p.epistle.requestsPerSecond / p.node.requestsPerSecond;
    out.push(`${''.padEnd(22)} ratio Epistle / node:http = ${fixed(ratio, 2)}`);
    if (p.nginx)
      out.push(`${''.padEnd(22)} ratio Epistle / nginx     = ${fixed(p.epistle.requestsPerSecond / p.nginx.requestsPerSecond, 2)}`);
  }
  const m = results.memory;
  out.push(
    '',
    `Epistle RSS: idle ${mb(m.idle.rssKb)} MiB; peak during load ${mb(m.peakDuringLoad.rssKb)} MiB (VmHWM ${mb(m.peakDuringLoad.hwmKb)} MiB)`,
  );
  const v = results.verdict;
  const main = results.pages[0];
  out.push(
    '',
    `Targets on the ${main?.comments ?? '?'}-comment page:`,
    `  requests/s ratio >= ${targets.minRatio}: ${v.ratioOk ? 'PASS' : 'FAIL'} (${fixed(v.ratio, 2)})`,
    `  p99 < ${targets.maxP99Ms} ms:        ${v.p99Ok ? 'PASS' : 'FAIL'} (${fixed(v.p99Ms, 2)} ms)`,
  );
  if (main && (main.epistle.errors || main.node.errors)) out.push('  errors during load: FAIL');
  out.push(`RESULT: ${v.pass ? 'PASS' : 'FAIL'}`);
  return out.join('\n');
}

export function save(dir: string, results: BenchResults): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `read-comments-${results.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}
