#!/usr/bin/env node
// The `epistle` command. From a checkout: npm run epistle -- <command>.
// Command modules are imported when their command runs, so `--help` and light commands do not
// load the database driver, Express and the mail stack (about a second of start-up).
import { Command } from 'commander';
import type { GlobalOptions } from './cli/context.js';

const program = new Command()
  .name('epistle')
  .description('Self-hosted comments for static sites, moderated by replying to email.')
  .option('-c, --config <path>', 'configuration file (default ./epistle.toml, or EPISTLE_CONFIG)')
  .showHelpAfterError();

const globals = (): GlobalOptions => program.opts<GlobalOptions>();
const run =
  <A extends unknown[]>(fn: (...args: A) => unknown) =>
  async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      const { reportError } = await import('./cli/context.js');
      reportError(error);
    }
  };

program
  .command('serve')
  .description('run the server (writes a demo configuration on first start)')
  .action(run(async () => (await import('./cli/serve.js')).serve(globals())));
program
  .command('migrate')
  .description('apply database migrations (serve also does it at start)')
  .action(run(async () => (await import('./cli/setup.js')).runMigrate(globals())));
program
  .command('init')
  .description('write a starter configuration file')
  .option('--force', 'overwrite an existing file')
  .action(run(async (o: { force?: boolean }) => (await import('./cli/setup.js')).init({ ...globals(), ...o })));

program
  .command('backup <file>')
  .description('copy the SQLite database to <file>, safely while the server runs (PostgreSQL: use pg_dump)')
  .action(run(async (file: string) => (await import('./cli/backup.js')).backup(file, globals())));

const config = program.command('config').description('configuration tools');
config
  .command('check')
  .description('validate the configuration and print a summary')
  .action(run(async () => (await import('./cli/setup.js')).checkConfig(globals())));

program
  .command('embed')
  .description("print the HTML snippet that shows a site's comments on its pages (versioned script with integrity)")
  .option('--site <id>', 'the site (default: the only one)')
  .action(run(async (o: { site?: string }) => (await import('./cli/embed.js')).printEmbedSnippet({ ...globals(), ...o })));

const comments = program.command('comments').description('list and moderate comments by hand');
comments
  .command('list')
  .description('list comments, newest first')
  .option('--site <id>', 'only this site')
  .option('--status <status>', 'pending, approved, dropped or spam')
  .option('--limit <n>', 'at most this many', '100')
  .option('--json', 'print JSON')
  .action(
    run(async (o: { site?: string; status?: string; limit?: string; json?: boolean }) =>
      (await import('./cli/comments.js')).list({ ...globals(), ...o }),
    ),
  );
for (const decision of ['approve', 'drop', 'spam'] as const) {
  comments
    .command(`${decision} <id>`)
    .description(`${decision} a comment`)
    .option('--force', 'change a comment that was already moderated')
    .action(
      run(async (id: string, o: { force?: boolean }) => (await import('./cli/comments.js')).moderate(decision, id, { ...globals(), ...o })),
    );
}

program
  .command('rebuild')
  .description("start a site's static build now (rebuild_hook or rebuild_command), or show the builds' status")
  .option('--site <id>', 'the site to rebuild')
  .option('--queue', 'only queue the build, for a running `epistle serve` to start')
  .option('--status', "show each site's last build, next build and last error")
  .action(
    run(async (o: { site?: string; queue?: boolean; status?: boolean }) =>
      (await import('./cli/rebuild.js')).rebuild({ ...globals(), ...o }),
    ),
  );

const mail = program.command('mail').description('outgoing mail: queue, settings check, template preview');
mail
  .command('outbox')
  .description('list queued, failed and sent mail, newest first')
  .option('--status <status>', 'pending, sending, sent or failed')
  .option('--limit <n>', 'at most this many', '50')
  .option('--json', 'print JSON')
  .action(
    run(async (o: { status?: string; limit?: string; json?: boolean }) =>
      (await import('./cli/mail.js')).mailOutbox({ ...globals(), ...o }),
    ),
  );
mail
  .command('retry [id]')
  .description('queue failed mail again (all of it, or one by id)')
  .action(run(async (id: string | undefined) => (await import('./cli/mail.js')).mailRetry(id, globals())));
mail
  .command('check')
  .description('log in to the SMTP and IMAP servers and check the folders; exits 1 on any failure')
  .action(run(async () => (await import('./cli/mail.js')).mailCheck(globals())));
mail
  .command('preview <template>')
  .description('print a mail template (notification, confirmation, help, ...) rendered with sample data')
  .option('--site <id>', 'site whose name, locale and template folder to use (default: the first one)')
  .option('--locale <lng>', "en, fr or de (default: the site's locale)")
  .action(
    run(async (template: string, o: { site?: string; locale?: string }) =>
      (await import('./cli/mail.js')).mailPreview(template, { ...globals(), ...o }),
    ),
  );

await program.parseAsync();
