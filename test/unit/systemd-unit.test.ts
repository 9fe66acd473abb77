// contrib/systemd/epistle.service as systemd itself reads it: `systemd-analyze verify` reports no
// problem (it prints unknown or misspelt settings but still exits 0, so its output must be empty),
// and the offline security audit rates it well. Skipped only where systemd-analyze is absent
// (scripts/install-test-deps.sh installs it from Debian).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const unitFile = fileURLToPath(new URL('../../contrib/systemd/epistle.service', import.meta.url));
const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;
const skip = analyze ? false : 'systemd-analyze is not installed on this machine';

/** The unit with ExecStart pointing at a binary that exists here: verify checks that it does. */
function installedCopy(dir: string): string {
  const text = readFileSync(unitFile, 'utf8');
  assert.match(text, /^ExecStart=\/usr\/local\/bin\/epistle serve$/m);
  const path = join(dir, 'epistle.service');
  writeFileSync(path, text.replace('/usr/local/bin/epistle', process.execPath));
  return path;
}

test('systemd-analyze verify accepts the unit without a single warning', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'epistle-unit-'));
  try {
    const result = spawnSync('systemd-analyze', ['verify', installedCopy(dir)], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(`${result.stdout}${result.stderr}`.trim(), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the unit is hardened: dedicated user, read-only system but its data folder, restart on failure', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'epistle-unit-'));
  try {
    const out = execFileSync('systemd-analyze', ['security', '--offline=yes', installedCopy(dir)], { encoding: 'utf8' });
    const exposure = Number(/Overall exposure level for .*: ([\d.]+)/.exec(out)?.[1]);
    assert.ok(exposure <= 2, `exposure ${exposure} (0 best, 10 worst):\n${out}`);
    const text = readFileSync(unitFile, 'utf8');
    for (const line of [
      'User=epistle',
      'ProtectSystem=strict',
      'ReadWritePaths=/var/lib/epistle',
      'NoNewPrivileges=yes',
      'PrivateTmp=yes',
      'ProtectHome=yes',
      'Restart=on-failure',
      'EnvironmentFile=-/etc/epistle/epistle.env',
    ]) {
      assert.match(text, new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}$`, 'm'));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
