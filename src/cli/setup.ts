// `epistle init`, `epistle migrate`, `epistle config check`.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { configFilePath, defaultConfigText } from '../config/load.js';
import { migrate } from '../db/migrate.js';
import { describeTarget, rebuildTarget } from '../rebuild/runner.js';
import { providerOf, sqlitePath } from '../db/provider.js';
import { load, fail, type GlobalOptions } from './context.js';

export function init(options: GlobalOptions & { force?: boolean }): void {
  const path = configFilePath(options.config ? { path: options.config } : {});
  if (existsSync(path) && !options.force) fail(`${path} already exists; use --force to overwrite it`);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Owner-only, as it will hold mail passwords; chmod too, as --force keeps an existing file's mode.
  writeFileSync(path, defaultConfigText(), { mode: 0o600 });
  chmodSync(path, 0o600);
  const lines = [`wrote ${path} (readable by you only)`];
  const { config } = load(options);
  if (providerOf(config.database.url) === 'sqlite') {
    const dataDir = dirname(sqlitePath(config.database.url));
    if (!existsSync(dataDir)) {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      lines.push(`created the data directory ${dataDir} (readable by you only)`);
    }
  }
  lines.push('edit [sites.*] for your site, then run: epistle config check');
  process.stdout.write(`${lines.join('\n')}\n`);
}

export async function runMigrate(options: GlobalOptions): Promise<void> {
  const { config } = load(options);
  const report = await migrate(config.database.url);
  process.stdout.write(
    report.applied.length ? `applied ${report.applied.join(', ')}\n` : `database up to date (${report.alreadyApplied.length} migrations)\n`,
  );
}

export function checkConfig(options: GlobalOptions): void {
  const { config, path, overrides } = load(options);
  const lines = [`✓ ${path} is valid`];
  if (overrides.length) lines.push(`  overridden by ${overrides.join(', ')}`);
  lines.push(`  listen ${config.server.listen}`);
  lines.push(`  database ${config.database.url.startsWith('file:') ? config.database.url : 'PostgreSQL (URL hidden)'}`);
  for (const [id, site] of Object.entries(config.sites)) {
    lines.push(
      `  site ${id}: ${site.name}, origins ${site.origins.join(' ')}, ${site.moderators.length} moderator(s), locale ${site.locale}`,
    );
    // A hook is named by its host only: its URL is a secret.
    const target = rebuildTarget(site);
    if (target) lines.push(`    rebuilds by ${describeTarget(target)}, debounced ${site.rebuild_debounce_seconds} s`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
