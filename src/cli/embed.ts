// `epistle embed --site <id>`: the two lines a site owner pastes into a page template, naming the
// versioned script with its Subresource Integrity value, on the address readers reach Epistle at.
import { parseListen } from '../server.js';
import { embedNotBuilt, readEmbedManifest } from '../http/embed-assets.js';
import { fail, load, type GlobalOptions } from './context.js';

export function printEmbedSnippet(options: GlobalOptions & { site?: string }): void {
  const { config } = load(options);
  const ids = Object.keys(config.sites);
  const site = options.site ?? (ids.length === 1 ? ids[0] : undefined);
  if (!site) fail(`name the site with --site (one of: ${ids.join(', ')})`);
  if (!config.sites[site]) fail(`no site "${site}" in the configuration (sites: ${ids.join(', ')})`);
  const manifest = readEmbedManifest();
  if (!manifest) fail(embedNotBuilt);
  let base = config.server.public_url;
  if (!base) {
    const { host, port } = parseListen(config.server.listen);
    const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
    base = `http://${shown}:${port}`;
    process.stderr.write(`epistle: no [server] public_url; the snippet uses ${base}. Set public_url to the address readers reach.\n`);
  }
  const script = new URL(manifest.js.file, base.endsWith('/') ? base : `${base}/`).href;
  process.stdout.write(
    `<section id="epistle-thread" data-epistle-site="${site}"></section>\n` +
      `<script src="${script}" integrity="${manifest.js.integrity}" crossorigin="anonymous" defer></script>\n`,
  );
  process.stderr.write(
    'epistle: this script URL is pinned to this release; after an upgrade, run `epistle embed` again (or use /embed.js without integrity).\n',
  );
}
