// A local build command ([sites.<id>] rebuild_command): the configured argv, run directly (no
// shell, so nothing in it or in the data is ever interpreted), with the site and reason passed as
// environment variables rather than arguments. It runs in its own process group so that a timeout
// stops the whole build (a script and the generator it started), not just its first process.
import { spawn } from 'node:child_process';

export interface CommandTarget {
  argv: readonly string[];
  timeoutMs: number;
}

export interface CommandResult {
  /** The end of what the command wrote (stdout and stderr interleaved), at most `outputLimit` characters. */
  output: string;
  durationMs: number;
}

/** Keep this much of the output: enough for a build tool's error, short enough for a log line. */
export const outputLimit = 4000;
/** After SIGTERM, how long the build gets to stop before SIGKILL. */
const killGraceMs = 5000;

export function runBuildCommand(
  target: CommandTarget,
  context: { siteId: string; reason: string | null; signal: AbortSignal },
): Promise<CommandResult> {
  const [program, ...args] = target.argv;
  if (!program) return Promise.reject(new Error('rebuild_command is empty'));
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-outputLimit);
    };
    const child = spawn(program, args, {
      shell: false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, EPISTLE_SITE: context.siteId, EPISTLE_REBUILD_REASON: context.reason ?? 'manual' },
    });
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);

    let stopped: string | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (why: string) => {
      // Not skipped when the first process has exited: something it started may still hold the output open.
      if (stopped) return;
      stopped = why;
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), killGraceMs);
      killTimer.unref();
    };
    const timer = setTimeout(() => stop(`timed out after ${target.timeoutMs / 1000} s`), target.timeoutMs);
    const onAbort = () => stop('aborted');
    context.signal.addEventListener('abort', onAbort, { once: true });
    if (context.signal.aborted) onAbort();

    const finish = () => {
      clearTimeout(timer);
      context.signal.removeEventListener('abort', onAbort);
    };
    child.on('error', (error) => {
      finish();
      if (killTimer) clearTimeout(killTimer);
      reject(new Error(`${program} could not start: ${(error as NodeJS.ErrnoException).code ?? error.message}`));
    });
    child.on('close', (code, signal) => {
      finish();
      if (killTimer) clearTimeout(killTimer);
      // Whatever the first process did, leave no part of the build running.
      if (stopped) signalGroup(child.pid, 'SIGKILL');
      const tail = output.trim();
      const durationMs = Date.now() - started;
      if (!stopped && code === 0) {
        resolve({ output: tail, durationMs });
        return;
      }
      const how = stopped ?? (code !== null ? `exited with code ${code}` : `killed by ${signal ?? 'a signal'}`);
      reject(new Error(`${program} ${how}${tail ? `; output ends with: ${tail.slice(-1000)}` : ''}`));
    });
  });
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    // Negative pid: the whole process group the detached child leads.
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
