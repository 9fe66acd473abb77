// GET /embed.js and /embed.css (unversioned: short cache, ETag = content hash) and
// /embed.<hash>.js|css (versioned: cached for a year), from the build in dist/embed/
// (scripts/build-embed.mjs), read once when the app is created. Without a build they answer 503
// and the log names the fix.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { etagMatches } from './versioned-cache.js';

export const embedBuildDir = fileURLToPath(new URL('../../dist/embed/', import.meta.url));

export interface EmbedFile {
  file: string;
  hash: string;
  /** Subresource Integrity value ("sha384-..."). */
  integrity: string;
  bytes: number;
}

export interface EmbedManifest {
  js: EmbedFile;
  css: EmbedFile;
}

export const embedNotBuilt = `the embed is not built (no ${join(embedBuildDir, 'manifest.json')}); fix: run \`npm run build\``;

/** The build's manifest, or undefined when there is no build. */
export function readEmbedManifest(dir = embedBuildDir): EmbedManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as EmbedManifest;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Paths the handler answers; anything else of that shape (an old hash) falls through to 404. */
export const embedAssetPath = /^\/embed(?:\.[0-9a-f]{16})?\.(?:js|css)$/;

interface Asset {
  body: Buffer;
  etag: string;
  type: string;
  cacheControl: string;
}

const types = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

export function embedAssetsHandler(logger: Logger, dir = embedBuildDir) {
  const manifest = readEmbedManifest(dir);
  const assets = new Map<string, Asset>();
  if (manifest) {
    for (const kind of ['js', 'css'] as const) {
      const info = manifest[kind];
      const body = readFileSync(join(dir, info.file));
      const asset = { body, etag: `"${info.hash}"`, type: types[kind] };
      // The unversioned URL is what the snippet names: revalidated often, so a new release shows soon.
      assets.set(`/embed.${kind}`, { ...asset, cacheControl: 'public, max-age=300' });
      assets.set(`/${info.file}`, { ...asset, cacheControl: 'public, max-age=31536000, immutable' });
    }
  } else {
    logger.warn(embedNotBuilt);
  }
  let reported = false;

  return (req: Request, res: Response, next: NextFunction) => {
    if (!manifest) {
      if (!reported) logger.error(embedNotBuilt);
      reported = true;
      res
        .status(503)
        .type('text/plain')
        .send('The comments script is not built on this server. Its administrator should run: npm run build\n');
      return;
    }
    const asset = assets.get(req.path);
    if (!asset) return next();
    // Static code, the same for everyone: any page may load it (with SRI, which needs CORS).
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('ETag', asset.etag);
    res.setHeader('Cache-Control', asset.cacheControl);
    if (etagMatches(req.get('if-none-match'), asset.etag)) {
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Type', asset.type);
    res.end(asset.body);
  };
}
