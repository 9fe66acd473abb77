// Runs the test phases in order and prints one closing line with the totals across all of them.
// Phases: unit; integration on SQLite; integration on PostgreSQL (except mail-* files, whose
// subject is the mail servers, and sqlite-* files); browser; package (npm pack and installs from
// the registry cache, minutes: see test/package). Phases may be picked with `npm test -- <phase>...`.
import { spawnSync, execFileSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';

const files = (dir) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.test.ts'))
        .sort()
        .map((f) => `${dir}/${f}`)
    : [];
const only = process.argv.slice(2);

let pgEnv;
function postgres() {
  if (!pgEnv) {
    const out = execFileSync('bash', ['scripts/postgres-temp.sh', 'start'], { encoding: 'utf8' });
    pgEnv = Object.fromEntries([...out.matchAll(/export (\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
    process.on('exit', () => execFileSync('bash', ['scripts/postgres-temp.sh', 'stop', pgEnv.EPISTLE_TEST_PG_DIR]));
  }
  return pgEnv;
}

const phases = [
  { name: 'unit', files: () => files('test/unit'), env: () => ({}) },
  { name: 'sqlite', files: () => files('test/integration'), env: () => ({ EPISTLE_TEST_DB: 'sqlite' }) },
  {
    name: 'postgresql',
    files: () => files('test/integration').filter((f) => !/\/(mail|sqlite)-/.test(f)),
    env: () => ({ EPISTLE_TEST_DB: 'postgresql', ...postgres() }),
  },
  { name: 'browser', files: () => files('test/browser'), env: () => ({}) },
  { name: 'package', files: () => files('test/package'), env: () => ({}) },
];

let passed = 0;
let failed = 0;
let skipped = 0;
for (const phase of phases) {
  if (only.length > 0 && !only.includes(phase.name)) continue;
  const list = phase.files();
  if (list.length === 0) continue;
  process.stdout.write(`\n=== ${phase.name}: ${list.length} files\n`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...list], {
    env: { ...process.env, ...phase.env() },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 256 * 1024 * 1024,
  });
  process.stdout.write(result.stdout);
  const count = (label) => Number(result.stdout.match(new RegExp(`^ℹ ${label} (\\d+)`, 'm'))?.[1] ?? 0);
  passed += count('pass');
  failed += count('fail') + (result.status !== 0 && count('fail') === 0 ? 1 : 0);
  skipped += count('skipped');
  process.stdout.write(
    `=== ${phase.name}: ${count('pass')} passed, ${count('fail')} failed in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
process.stdout.write(`\non Node ${process.versions.node}\ntotal: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(failed > 0 ? 1 : 0);
