#!/usr/bin/env node
// The `epistle` command. From a checkout: npm run epistle -- <command>.
import { Command } from 'commander';
import { list, moderate } from './cli/comments.js';
import { reportError, type GlobalOptions } from './cli/context.js';
import { mailCheck, mailOutbox, mailPreview, mailRetry } from './cli/mail.js';
import { serve } from './cli/serve.js';
import { checkConfig, init, runMigrate } from './cli/setup.js';

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
      reportError(error);
    }
  };

program
  .command('serve')
  .description('run the server (writes a demo configuration on first start)')
  .action(run(() => serve(globals())));
program
  .command('migrate')
  .description('apply database migrations (serve also does it at start)')
  .action(run(() => runMigrate(globals())));
program
  .command('init')
  .description('write a starter configuration file')
  .option('--force', 'overwrite an existing file')
  .action(run((o: { force?: boolean }) => init({ ...globals(), ...o })));

const config = program.command('config').description('configuration tools');
config
  .command('check')
  .description('validate the configuration and print a summary')
  .action(run(() => checkConfig(globals())));

const comments = program.command('comments').description('list and moderate comments by hand');
comments
  .command('list')
  .description('list comments, newest first')
  .option('--site <id>', 'only this site')
  .option('--status <status>', 'pending, approved, dropped or spam')
  .option('--limit <n>', 'at most this many', '100')
  .option('--json', 'print JSON')
  .action(run((o: { site?: string; status?: string; limit?: string; json?: boolean }) => list({ ...globals(), ...o })));
for (const decision of ['approve', 'drop', 'spam'] as const) {
  comments
    .command(`${decision} <id>`)
    .description(`${decision} a comment`)
    .option('--force', 'change a comment that was already moderated')
    .action(run((id: string, o: { force?: boolean }) => moderate(decision, id, { ...globals(), ...o })));
}

const mail = program.command('mail').description('outgoing mail: queue, settings check, template preview');
mail
  .command('outbox')
  .description('list queued, failed and sent mail, newest first')
  .option('--status <status>', 'pending, sending, sent or failed')
  .option('--limit <n>', 'at most this many', '50')
  .option('--json', 'print JSON')
  .action(run((o: { status?: string; limit?: string; json?: boolean }) => mailOutbox({ ...globals(), ...o })));
mail
  .command('retry [id]')
  .description('queue failed mail again (all of it, or one by id)')
  .action(run((id: string | undefined) => mailRetry(id, globals())));
mail
  .command('check')
  .description('log in to the SMTP and IMAP servers and check the folders; exits 1 on any failure')
  .action(run(() => mailCheck(globals())));
mail
  .command('preview <template>')
  .description('print a mail template (notification, confirmation, help, ...) rendered with sample data')
  .option('--site <id>', 'site whose name, locale and template folder to use (default: the first one)')
  .option('--locale <lng>', "en, fr or de (default: the site's locale)")
  .action(run((template: string, o: { site?: string; locale?: string }) => mailPreview(template, { ...globals(), ...o })));

await program.parseAsync();
