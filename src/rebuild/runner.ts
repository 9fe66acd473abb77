// Which build each site runs, from its configuration: the edge side of src/domain/rebuilds.
import { defaultTimeoutSeconds, hookHost } from '../config/sections/rebuild.js';
import type { SiteConfig } from '../config/schema.js';
import type { RebuildRunner } from '../domain/rebuilds/ports.js';
import type { Logger } from '../log.js';
import { outputLimit, runBuildCommand } from './command.js';
import { postBuildHook } from './hook.js';

export type RebuildTarget = { kind: 'hook'; url: string; timeoutMs: number } | { kind: 'command'; argv: string[]; timeoutMs: number };

/** The site's build, or undefined when it has neither rebuild_hook nor rebuild_command. */
export function rebuildTarget(site: SiteConfig): RebuildTarget | undefined {
  const seconds = (kind: keyof typeof defaultTimeoutSeconds) => (site.rebuild_timeout_seconds ?? defaultTimeoutSeconds[kind]) * 1000;
  if (site.rebuild_hook !== undefined) return { kind: 'hook', url: site.rebuild_hook, timeoutMs: seconds('hook') };
  if (site.rebuild_command !== undefined) return { kind: 'command', argv: site.rebuild_command, timeoutMs: seconds('command') };
  return undefined;
}

/** How a target is named in logs and by the CLI: a hook by its host only (its URL is a secret). */
export function describeTarget(target: RebuildTarget): string {
  return target.kind === 'hook' ? `hook on ${hookHost(target.url)}` : `command ${target.argv[0] ?? ''}`;
}

export function createRebuildRunner(targets: ReadonlyMap<string, RebuildTarget>, logger: Logger): RebuildRunner {
  return {
    async run(siteId, context) {
      const target = targets.get(siteId);
      if (!target) throw new Error(`site ${siteId} has no rebuild_hook or rebuild_command`);
      if (target.kind === 'hook') {
        const { status } = await postBuildHook(target, { siteId, ...context });
        logger.debug({ site: siteId, host: hookHost(target.url), status }, 'build hook accepted the request');
        return;
      }
      const { output, durationMs } = await runBuildCommand(target, { siteId, ...context });
      logger.debug({ site: siteId, durationMs, output: output.slice(-outputLimit) }, 'rebuild command output');
    },
  };
}
