// Builds dist/ (npm `prepare`: runs on `npm ci` in a checkout, production installs included, and
// on `npm pack`). esbuild, a runtime dependency, so the build needs no devDependency.
//
// Each src/**/*.ts is transpiled to the same place under dist/ (no bundling): the
// `new URL('../../locales/', import.meta.url)`-style paths then find templates/, locales/ and
// prisma/ from dist/ exactly as from src/, and lazy `import()`s stay lazy. Types are checked by
// `tsc --noEmit` in the tests, not here.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const started = Date.now();
process.chdir(join(import.meta.dirname, '..'));

/** Every .ts file under dir, declaration files and the browser embed's sources excepted. */
const sources = (dir) =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => !f.startsWith(join(dir, 'embed/'))); // browser code: bundled by build-embed.mjs

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: sources('src'),
  outdir: 'dist',
  outbase: 'src',
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  logLevel: 'warning',
});

// The browser embed (dist/embed/), when that part of the project is present.
if (existsSync('scripts/build-embed.mjs')) execFileSync(process.execPath, ['scripts/build-embed.mjs'], { stdio: 'inherit' });

console.error(`build: dist/ in ${Date.now() - started} ms`);
