// Generates the load: wrk (C, epoll, cheap on the client side) when installed, autocannon (a
// devDependency) otherwise. Both report requests/s and latency percentiles; errors and non-2xx
// answers are counted so that a fast stream of failures is never taken for throughput.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { run } from './children.js';

export type Tool = 'wrk' | 'autocannon';

export interface LoadResult {
  tool: Tool;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Socket errors, timeouts and non-2xx/3xx answers together. */
  errors: number;
  bytesPerSecond: number;
  /** The server's CPU time per request during the run (not known for nginx's worker). */
  cpuMicrosPerRequest?: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
}

export function pickTool(wanted?: string): Tool {
  if (wanted === 'wrk' || wanted === 'autocannon') return wanted;
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (error) {
    // wrk --version exits 1 after printing its banner; only "not found" means it is missing.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'autocannon';
  }
  return 'wrk';
}

// Leave the server a CPU of its own: on a 2-CPU machine a second wrk thread takes turns with the
// server and inflates every p99, the static baseline's included.
export const wrkThreads = Math.max(1, Math.min(2, availableParallelism() - 1));

export async function load(tool: Tool, options: LoadOptions): Promise<LoadResult> {
  const timeout = (options.seconds + 15) * 1000;
  if (tool === 'wrk') {
    const threads = String(Math.min(wrkThreads, options.connections));
    const args = [
      '-t',
      threads,
      '-c',
      String(options.connections),
      '-d',
      `${options.seconds}s`,
      '--timeout',
      '5s',
      '--latency',
      options.url,
    ];
    return parseWrk(await run('wrk', args, timeout));
  }
  const args = ['-c', String(options.connections), '-d', String(options.seconds), '-j', options.url];
  return parseAutocannon(await run('node_modules/.bin/autocannon', args, timeout));
}

const units: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };
const sizes: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

function number(text: string, pattern: RegExp): number {
  const match = text.match(pattern);
  return match?.[1] ? Number(match[1]) : 0;
}

function duration(text: string, percentile: string): number {
  const match = text.match(new RegExp(`^\\s*${percentile}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm'));
  if (!match?.[1] || !match[2]) throw new Error(`wrk output has no ${percentile}% latency:\n${text}`);
  return Number(match[1]) * (units[match[2]] ?? NaN);
}

export function parseWrk(text: string): LoadResult {
  const socket = text.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  const socketErrors = socket ? socket.slice(1).reduce((n, v) => n + Number(v), 0) : 0;
  const transfer = text.match(/Transfer\/sec:\s+([\d.]+)(B|KB|MB|GB)/);
  return {
    tool: 'wrk',
    requestsPerSecond: number(text, /Requests\/sec:\s+([\d.]+)/),
    p50Ms: duration(text, '50'),
    p99Ms: duration(text, '99'),
    requests: number(text, /(\d+) requests in/),
    errors: socketErrors + number(text, /Non-2xx or 3xx responses:\s+(\d+)/),
    bytesPerSecond: transfer?.[1] && transfer[2] ? Number(transfer[1]) * (sizes[transfer[2]] ?? NaN) : 0,
  };
}

export function parseAutocannon(json: string): LoadResult {
  const r = JSON.parse(json);
  return {
    tool: 'autocannon',
    requestsPerSecond: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    errors: r.errors + r.timeouts + r.non2xx,
    bytesPerSecond: r.throughput.average,
  };
}
