// Builds dist/embed/ as `npm run build` does, so that a server under test serves this checkout's
// embed (or into another folder, for a test that must not disturb it).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/build-embed.mjs', import.meta.url));

export interface BuiltFile {
  file: string;
  hash: string;
  integrity: string;
  bytes: number;
}

export function buildEmbed(outdir?: string): { js: BuiltFile; css: BuiltFile } {
  execFileSync(process.execPath, [script, ...(outdir ? [outdir] : [])], { stdio: 'ignore' });
  const manifest = new URL('../../dist/embed/manifest.json', import.meta.url);
  return JSON.parse(readFileSync(outdir ? `${outdir}/manifest.json` : manifest, 'utf8'));
}
