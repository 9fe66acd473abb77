// `epistle rebuild --site <id>`: start a site's static build by hand (after changing its
// templates, or to retry one that failed for good), or show where each site's builds stand.
import { defaultRebuildRetry } from '../domain/rebuilds/policy.js';
import type { RebuildStatus } from '../domain/rebuilds/ports.js';
import { requestRebuild } from '../domain/rebuilds/request-rebuild.js';
import { runDueRebuilds } from '../domain/rebuilds/run-due-rebuilds.js';
import { createRebuildRunner, describeTarget } from '../rebuild/runner.js';
import { fail, withServices, type GlobalOptions } from './context.js';

const out = (line = '') => process.stdout.write(`${line}\n`);
const when = (d: Date | null) => (d ? d.toISOString().slice(0, 19).replace('T', ' ') : '-');

export async function rebuild(options: GlobalOptions & { site?: string; queue?: boolean; status?: boolean }): Promise<void> {
  await withServices(options, async (s) => {
    if (options.status) {
      const rows = await s.rebuildQueue.status(options.site ? [options.site] : undefined);
      if (rows.length === 0) out('no site has rebuild_hook or rebuild_command');
      for (const row of rows) out(formatStatus(row, s.rebuildTargets.get(row.siteId)));
      return;
    }
    if (!options.site) fail('name the site: epistle rebuild --site <id> (or --status)');
    const site = s.sites.find(options.site);
    if (!site)
      fail(
        `no site "${options.site}"; the sites are ${s.sites
          .all()
          .map((x) => x.id)
          .join(', ')}`,
      );
    const target = s.rebuildTargets.get(site.id);
    if (!target) fail(`site "${site.id}" has neither rebuild_hook nor rebuild_command (docs/rebuild-hooks.md)`);

    await requestRebuild(s, { siteId: site.id, reason: 'manual', manual: true });
    if (options.queue) {
      out(`rebuild of ${site.id} queued; a running \`epistle serve\` starts it within 30 s`);
      return;
    }
    out(`rebuilding ${site.id} (${describeTarget(target)})...`);
    const started = Date.now();
    const logger = s.logger.child({ component: 'rebuild' });
    const runner = createRebuildRunner(s.rebuildTargets, logger);
    const counts = await runDueRebuilds(
      { rebuildQueue: s.rebuildQueue, runner, clock: s.clock, logger },
      { sites: [{ siteId: site.id, leaseMs: target.timeoutMs + 60_000 }], retry: defaultRebuildRetry },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (counts.succeeded) {
      out(`rebuild of ${site.id} succeeded in ${seconds} s`);
      return;
    }
    if (counts.retrying || counts.failed) {
      const [row] = await s.rebuildQueue.status([site.id]);
      fail(`rebuild of ${site.id} failed: ${row?.lastError ?? 'unknown error'}${counts.retrying ? ' (a running server retries it)' : ''}`);
    }
    out(`a build of ${site.id} is already running; this request is queued and runs after it`);
  });
}

function formatStatus(row: RebuildStatus, target: Parameters<typeof describeTarget>[0] | undefined): string {
  const state = row.running ? 'running' : row.dueAt ? `due ${when(row.dueAt)}` : 'idle';
  const lines = [`${row.siteId}: ${state}  (${target ? describeTarget(target) : 'no longer configured'})`];
  if (row.lastStartedAt) {
    const took = row.lastDurationMs !== null ? `, took ${(row.lastDurationMs / 1000).toFixed(1)} s` : '';
    lines.push(`  last build ${when(row.lastStartedAt)}: ${row.lastOutcome ?? 'running'}${took}; failed tries ${row.attempts}`);
  }
  if (row.lastError) lines.push(`  last error: ${row.lastError.replace(/\s+/g, ' ').slice(0, 500)}`);
  return lines.join('\n');
}
