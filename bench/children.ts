// Every process the benchmark starts goes through here, so that all of them are stopped at the
// end: on success, on error, on Ctrl-C, and when the watchdog fires. Each child gets its own
// process group (nginx forks workers) and is stopped by that group's id, never by name.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

const running = new Set<ChildProcess>();

export function start(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM, then SIGKILL after `graceMs` if the child is still there. */
export async function stop(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((c) => stop(c)));
}

const exitHooks: Array<() => void> = [];

/** Runs `hook` (synchronous) when the process exits, however it exits. */
export function atExit(hook: () => void): void {
  exitHooks.push(hook);
}

/** Last resort, synchronous: used from process 'exit', where nothing can be awaited. */
function killAllNow(): void {
  for (const child of running) signalGroup(child, 'SIGKILL');
  for (const hook of exitHooks) hook();
}

export function installCleanup(watchdogMs: number): void {
  process.once('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping children\n`);
      void stopAll().finally(() => process.exit(130));
    });
  }
  setTimeout(() => {
    process.stderr.write(`bench: watchdog: still running after ${watchdogMs / 1000} s, stopping\n`);
    void stopAll().finally(() => process.exit(3));
  }, watchdogMs).unref();
}

/** Resolves with the first match of `pattern` on the child's stream, rejects if it exits first. */
export function waitForLine(
  child: ChildProcess,
  stream: 'stdout' | 'stderr',
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<RegExpMatchArray> {
  const source = child[stream];
  if (!source) return Promise.reject(new Error(`${stream} of the child is not piped`));
  let seen = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`timed out waiting for ${pattern}; output so far:\n${seen}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = seen.match(pattern);
      if (match) done(undefined, match);
    };
    const onExit = (code: number | null) => done(new Error(`exited (${code}) before printing ${pattern}; output:\n${seen}`));
    function done(error?: Error, match?: RegExpMatchArray) {
      clearTimeout(timer);
      source?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(match as RegExpMatchArray);
    }
    source.on('data', onData);
    child.once('exit', onExit);
  });
}

/** A loopback port that was free a moment ago (for nginx, which cannot report a port it chose). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a command to completion and returns its stdout; rejects on a non-zero exit. */
export async function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  const child = start(command, args);
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const timer = setTimeout(() => void stop(child), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}\n${err}${out}`);
  return out;
}
