// Epistle installed as a person installs it, without a checkout or devDependencies:
// 1. `npm pack`, then `npm install -g --prefix <temp>` of the tarball: `epistle` on the PATH runs
//    init, migrate, serve (answers /readyz, takes a comment), comments list and backup.
// 2. A copy of the checkout with `npm ci --omit=dev` (the build runs through `prepare` with
//    runtime dependencies only), then `npm start`.
// better-sqlite3 is not compiled again by these installs: its install script (prebuild-install)
// is given the checkout's own build, same version and same Node ABI, as a local prebuild, exactly
// as it would use a downloaded one. Compiling SQLite twice took from 2 to over 20 minutes here,
// depending on the machine's load, for nothing Epistle does. Still a few minutes of npm: a phase
// of its own, the two installs at the same time.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cleanEnv, freePort } from '../support/cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const exec = promisify(execFile);
const npmOptions = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
const require = createRequire(import.meta.url);

/** Runs a command to completion; the error carries its output. */
async function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  return exec(command, args, { cwd: options.cwd, env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024, timeout: 20 * 60_000 });
}

/** A folder holding the checkout's better-sqlite3 build under the name prebuild-install looks for. */
async function localPrebuilds(dir: string): Promise<string> {
  const moduleDir = dirname(require.resolve('better-sqlite3/package.json'));
  const { version } = require('better-sqlite3/package.json') as { version: string };
  const folder = join(dir, 'prebuilds');
  mkdirSync(folder);
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  await run('tar', ['czf', join(folder, name), '-C', moduleDir, 'build/Release/better_sqlite3.node'], { cwd: dir });
  return folder;
}

/** Resolves to the error, or undefined: started now, awaited by a later test, never unhandled. */
const settle = (promise: Promise<unknown>): Promise<Error | undefined> =>
  promise.then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );

let work: string;
let tarball: string;
let prefix: string;
let checkout: string;
let globalInstall: Promise<Error | undefined>;
let omitDevInstall: Promise<Error | undefined>;
const servers: ChildProcess[] = [];

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'epistle-package-'));
  // The checkout's own files (tracked or new, not ignored): what a fresh clone has.
  checkout = join(work, 'checkout');
  const { stdout } = await run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root });
  for (const file of stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(root, file))) continue; // deleted in the work tree
    mkdirSync(dirname(join(checkout, file)), { recursive: true });
    cpSync(join(root, file), join(checkout, file));
  }
  await run('npm', ['pack', '--pack-destination', work, '--loglevel=error'], { cwd: root });
  const name = readdirSync(work).find((f) => f.endsWith('.tgz'));
  assert.ok(name, 'npm pack wrote a tarball');
  tarball = join(work, name);
  prefix = join(work, 'prefix');
  const env = { ...process.env, npm_config_better_sqlite3_local_prebuilds: await localPrebuilds(work) };
  globalInstall = settle(run('npm', ['install', '-g', '--prefix', prefix, tarball, ...npmOptions], { cwd: work, env }));
  omitDevInstall = settle(run('npm', ['ci', '--omit=dev', ...npmOptions], { cwd: checkout, env }));
});

after(async () => {
  await Promise.all([globalInstall, omitDevInstall]);
  await Promise.all(servers.map((s) => stop(s)));
  rmSync(work, { recursive: true, force: true });
});

/** Starts a server and resolves once /readyz answers 200; rejects if it exits first or after 60 s. */
async function startServer(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, port: number) {
  // Its own process group, signalled as a whole like a terminal's Ctrl-C: `npm start` does not
  // pass SIGTERM on to the server it started.
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  servers.push(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}:\n${output}`);
    if (Date.now() - started > 60_000) throw new Error(`not ready after 60 s:\n${output}`);
    const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return { child, output: () => output };
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM, then the exit status once every process holding the child's output is gone. */
async function stop(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  const closed = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  process.kill(-(child.pid ?? 0), 'SIGTERM');
  return closed;
}

/** The server's environment: a free port, and the demo site reachable from it. */
function serverEnv(port: number, extra: Record<string, string> = {}) {
  return cleanEnv({
    EPISTLE_SERVER_LISTEN: `127.0.0.1:${port}`,
    EPISTLE_SITES_DEMO_ORIGINS: `http://localhost:8080,http://127.0.0.1:${port}`,
    ...extra,
  });
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('installed from the packed tarball, globally, into a temp prefix', () => {
  test('the tarball holds the built program, migrations, templates, locales, contrib and LICENSE, and no sources', async () => {
    const { stdout } = await run('tar', ['tzf', tarball], { cwd: work });
    const files = stdout.split('\n');
    for (const f of [
      'package/dist/main.js',
      'package/dist/cli/serve.js',
      'package/prisma/sqlite/migrations/0001_init/migration.sql',
      'package/prisma/postgresql/migrations/0001_init/migration.sql',
      'package/templates/pages/demo.html',
      'package/locales/en/common.json',
      'package/contrib/systemd/epistle.service',
      'package/LICENSE',
      'package/README.md',
    ]) {
      assert.ok(files.includes(f), `${f} is packed`);
    }
    assert.ok(!files.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/')), 'no TypeScript sources or tests');
  });

  test('npm install -g puts epistle on the PATH; init, migrate, serve, a comment, backup work outside any checkout', async () => {
    const failed = await globalInstall;
    if (failed) throw failed;
    const installed = join(prefix, 'lib/node_modules/epistle');
    for (const dev of ['tsx', 'eslint', 'typescript'])
      assert.ok(!existsSync(join(installed, 'node_modules', dev)), `${dev} is not installed`);

    const site = join(work, 'site');
    mkdirSync(site);
    const port = await freePort();
    // `epistle` found through PATH, as a shell would.
    const env = serverEnv(port, { PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}` });
    const epistle = (...args: string[]) => run('epistle', args, { cwd: site, env });

    const help = await epistle('--help');
    for (const command of ['init', 'serve', 'migrate', 'backup', 'comments', 'mail'])
      assert.match(help.stdout, new RegExp(`\\b${command}\\b`));

    const init = await epistle('init');
    assert.match(init.stdout, /wrote .*epistle\.toml/);
    assert.equal(mode(join(site, 'epistle.toml')), 0o600);
    assert.equal(mode(join(site, 'data')), 0o700);

    const migrated = await epistle('migrate');
    assert.match(migrated.stdout, /^applied 0001_init/);

    const started = await startServer('epistle', ['serve'], site, env, port);
    const posted = await fetch(`http://127.0.0.1:${port}/api/sites/demo/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'url=http://localhost:8080/demo&author=Ann&body=Installed',
      redirect: 'manual',
    });
    assert.equal(posted.status, 303, started.output());
    const listed = await epistle('comments', 'list', '--status', 'pending');
    assert.match(listed.stdout, /pending\s+demo\s.*\bAnn\b/);

    const backup = await epistle('backup', 'copy.db');
    assert.match(backup.stdout, /integrity ok/);
    assert.equal((await stop(started.child)).code, 0, started.output());
  });
});

describe('a checkout installed with npm ci --omit=dev, then npm start', () => {
  test('builds through prepare with runtime dependencies only, and npm start serves', async () => {
    const failed = await omitDevInstall;
    if (failed) throw failed;
    assert.ok(existsSync(join(checkout, 'dist/main.js')), 'prepare built dist/');
    // (typescript may be there: npm keeps it as an optional peer of prisma and i18next.)
    for (const dev of ['tsx', 'eslint', 'prettier']) assert.ok(!existsSync(join(checkout, 'node_modules', dev)), `${dev} is not installed`);
    const port = await freePort();
    const started = await startServer('npm', ['start'], checkout, serverEnv(port), port);
    assert.match(started.output(), /listening on/);
    // The server stops cleanly (npm itself may end by the signal).
    const { code, signal } = await stop(started.child);
    assert.ok(code === 0 || signal === 'SIGTERM', `npm ended with ${code ?? signal}`);
    assert.match(started.output(), /"msg":"stopped"/, started.output());
  });
});
