// Debian's Chromium driven by playwright-core, for tests that check what a reader really sees.
// Browsers that test tools download for themselves do not install here (see
// /work/shared/notes/browser-testing.md); scripts/install-test-deps.sh installs Debian's build.
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

/** Where screenshots go; gitignored, and kept after the run so a person can look at them. */
export const resultsDir = fileURLToPath(new URL('../../test-results/', import.meta.url));

// Without these Chromium tries to reach the network at start (updates, sync, field trials), which
// fails or stalls here. Playwright adds --headless and --no-sandbox (needed as root) itself, and
// gives every launch a fresh temporary profile (--user-data-dir), which it deletes on close: it
// refuses a --user-data-dir in `args`.
const quietFlags = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`no Chromium at ${chromiumPath}: run scripts/install-test-deps.sh (it installs Debian's chromium)`);
  }
  return chromium.launch({ executablePath: chromiumPath, headless: true, chromiumSandbox: false, args: quietFlags, timeout: 15_000 });
}

/**
 * A loopback port that was free a moment ago. The server under test must know its own origin
 * before it starts (a site's origins are configuration), so the port is chosen first. Another
 * process could take it in between; on a test machine that is rare enough to accept.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, host, () => resolve());
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export function screenshotPath(name: string): string {
  mkdirSync(resultsDir, { recursive: true });
  return `${resultsDir}${name}.png`;
}
