// Builds the browser embed (src/embed/) into dist/embed/: embed.js and embed.css for the
// unversioned URLs, the same bytes under content-hashed names for the long-cached URLs, and
// manifest.json with each file's hash and Subresource Integrity value, which the server and
// `epistle embed` read. Standalone on purpose: `npm run build` calls it, and so can any other
// build step (`node scripts/build-embed.mjs [outdir]`).
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Buffer } from 'node:buffer';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function describe(kind, bytes) {
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  return {
    file: `embed.${hash}.${kind}`,
    hash,
    integrity: `sha384-${createHash('sha384').update(bytes).digest('base64')}`,
    bytes: bytes.length,
  };
}

async function bundle(options) {
  const result = await build({ bundle: true, minify: true, write: false, logLevel: 'warning', legalComments: 'none', ...options });
  return Buffer.from(result.outputFiles[0].contents);
}

export async function buildEmbed(outdir = join(root, 'dist', 'embed')) {
  const css = await bundle({ entryPoints: [join(root, 'src/embed/embed.css')], loader: { '.css': 'css' }, target: ['chrome100'] });
  const cssInfo = describe('css', css);
  // The script links its own stylesheet by its versioned name and integrity, so a page that pins
  // the script with SRI pins the stylesheet too.
  const js = await bundle({
    entryPoints: [join(root, 'src/embed/main.ts')],
    format: 'iife',
    target: ['es2020'],
    tsconfig: join(root, 'src/embed/tsconfig.json'),
    define: { EPISTLE_CSS: JSON.stringify({ file: cssInfo.file, integrity: cssInfo.integrity }) },
  });
  const jsInfo = describe('js', js);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  for (const [name, bytes] of [
    ['embed.js', js],
    [jsInfo.file, js],
    ['embed.css', css],
    [cssInfo.file, css],
  ]) {
    writeFileSync(join(outdir, name), bytes);
  }
  const manifest = { js: jsInfo, css: cssInfo };
  writeFileSync(join(outdir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const manifest = await buildEmbed(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`dist/embed: ${manifest.js.file} (${manifest.js.bytes} B), ${manifest.css.file} (${manifest.css.bytes} B)`);
}
