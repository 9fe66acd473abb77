// `epistle serve`: the daemon. Writes the demo configuration on a zero-config start and says so.
import { startScheduler } from '../jobs/start.js';
import { createLogger } from '../log.js';
import { describeTarget } from '../rebuild/runner.js';
import { startHttp } from '../server.js';
import { createServices } from '../services.js';
import { load, type GlobalOptions } from './context.js';

export async function serve(options: GlobalOptions): Promise<void> {
  const loaded = load(options, true);
  const { config } = loaded;
  const logger = createLogger(config.log.level);
  const say = (line: string) => process.stderr.write(`${line}\n`);
  if (loaded.created) say(`epistle: no configuration found, wrote ${loaded.path} with a demo site`);
  const services = await createServices(config, logger);
  const http = await startHttp(services);
  const sqlite = config.database.url.startsWith('file:');
  say(`epistle: configuration ${loaded.path}${loaded.overrides.length ? ` (overridden by ${loaded.overrides.join(', ')})` : ''}`);
  say(
    `epistle: database ${sqlite ? config.database.url : 'PostgreSQL'}${services.migrations.applied.length ? `, applied ${services.migrations.applied.join(', ')}` : ', up to date'}`,
  );
  say(
    `epistle: sites ${services.sites
      .all()
      .map((s) => s.id)
      .join(', ')}`,
  );
  say(`epistle: listening on ${http.url}`);
  if (config.server.demo_page && services.sites.find('demo')) say(`epistle: demo page at ${http.url}/demo`);
  logger.info({ url: http.url }, 'listening');
  // Outbound mail: delivered from the outbox; stopped (after the HTTP server) by services.close().
  services.deliverer.start();
  say(
    config.smtp
      ? `epistle: mail via ${config.smtp.host}, from ${config.smtp.from}`
      : 'epistle: no [smtp] configured, new comments are announced in the log',
  );
  // Static-site builds after changes ([sites.<id>] rebuild_*); stopped by services.close().
  services.rebuildWorker.start();
  if (services.rebuildTargets.size) {
    say(`epistle: rebuilds ${[...services.rebuildTargets].map(([id, t]) => `${id} (${describeTarget(t)})`).join(', ')}`);
  }
  // Moderators' replies: the mailbox watcher (IMAP IDLE), with the scheduled imap_poll as its fallback.
  // Imported only when used: imapflow, mailparser and mailauth weigh tens of megabytes resident.
  const watcher = config.imap ? (await import('../mail/imap/watcher.js')).startMailWatcher(services) : undefined;
  if (config.imap) say(`epistle: reading replies from ${config.imap.mailbox} on ${config.imap.host}`);
  const scheduler = startScheduler(services, { watcher });
  say(`epistle: scheduled jobs ${scheduler ? scheduler.jobs.map((j) => `${j.name} (${j.schedule})`).join(', ') : 'disabled'}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      // No new job runs from here; runs in progress get [jobs] shutdown_grace_seconds to finish.
      await Promise.all([http.stop(), scheduler?.stop(config.jobs.shutdown_grace_seconds * 1000), watcher?.stop()]);
      await services.close();
    } catch (error) {
      logger.error({ err: error }, 'could not stop cleanly');
      process.exit(1);
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
