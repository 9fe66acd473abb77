// Moderation by email, timed against a real Dovecot with the watcher in this process:
//  1. latency: a reply delivered over LMTP into Epistle's mailbox (IDLE pushes it) until the
//     comment is visible in the read API, one reply at a time; p50 and p95.
//  2. backlog: 1,000 replies APPENDed while the watcher is stopped, then the time from its
//     start until every comment is published and the INBOX is empty.
// Targets (issue 3): p50 < 1.5 s (Dovecot alone delays IDLE by 0.5 s) and 1,000 in < 20 s.
// Run: npm run bench:mail [-- --replies 60 --backlog 1000]
import { parseArgs } from 'node:util';
import { startMailWatcher, type MailWatcher } from '../src/mail/imap/watcher.js';
import { pageUrl, type TestApp } from '../test/support/app.js';
import { startDovecot, type DovecotServer } from '../test/support/dovecot.js';
import { composeReply, deliver, gmailReply, imapClient, pendingComment, startMailApp } from '../test/support/mail-replies.js';

const { values } = parseArgs({ options: { replies: { type: 'string', default: '60' }, backlog: { type: 'string', default: '1000' } } });
const replies = Number(values.replies);
const backlog = Number(values.backlog);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function visible(app: TestApp, id: number): Promise<boolean> {
  const res = await fetch(`${app.url}/api/sites/demo/comments?url=${encodeURIComponent(pageUrl)}`);
  const body = (await res.json()) as { comments: Array<{ id: number }> };
  return body.comments.some((c) => c.id === id);
}

async function latency(dovecot: DovecotServer, app: TestApp): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < replies; i++) {
    const { id, notificationId } = await pendingComment(app, { body: `Latency comment ${i}` });
    const raw = await composeReply({ inReplyTo: notificationId, text: gmailReply('approve') });
    await deliver(dovecot, raw);
    const start = performance.now();
    while (!(await visible(app, id))) {
      if (performance.now() - start > 30_000) throw new Error(`reply ${i} not handled after 30 s`);
      await new Promise((r) => setTimeout(r, 5));
    }
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

async function queued(dovecot: DovecotServer, app: TestApp, watcher: MailWatcher): Promise<{ ms: number; watcher: MailWatcher }> {
  await watcher.stop();
  const ids: number[] = [];
  const client = imapClient(dovecot);
  await client.connect();
  try {
    for (let i = 0; i < backlog; i++) {
      const { id, notificationId } = await pendingComment(app, { body: `Queued comment ${i}` });
      ids.push(id);
      await client.append('INBOX', await composeReply({ inReplyTo: notificationId, text: gmailReply('approve') }));
    }
  } finally {
    await client.logout();
  }
  const db = app.services.database.db;
  const start = performance.now();
  const next = startMailWatcher(app.services);
  const probe = imapClient(dovecot);
  await probe.connect();
  try {
    for (;;) {
      const { approved } = await db
        .selectFrom('Comment')
        .select((eb) => eb.fn.countAll<number>().as('approved'))
        .where('id', '>=', ids[0] ?? 0)
        .where('id', '<=', ids.at(-1) ?? 0)
        .where('status', '=', 'approved')
        .executeTakeFirstOrThrow();
      const status = await probe.status('INBOX', { messages: true });
      const left = status ? (status.messages ?? -1) : -1;
      if (Number(approved) === ids.length && left === 0) break;
      if (performance.now() - start > 120_000) throw new Error(`backlog: ${approved}/${ids.length} approved, ${left} left after 120 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await probe.logout();
  }
  return { ms: performance.now() - start, watcher: next };
}

async function main(): Promise<void> {
  const dovecot = await startDovecot();
  const app = await startMailApp(dovecot, (table) => {
    table.log.level = process.env.BENCH_LOG ?? 'warn';
  });
  let watcher = startMailWatcher(app.services);
  try {
    const times = await latency(dovecot, app);
    const p50 = percentile(times, 50);
    const p95 = percentile(times, 95);
    const backlogRun = await queued(dovecot, app, watcher);
    watcher = backlogRun.watcher;
    const perMessage = backlogRun.ms / backlog;
    const ok1 = p50 < 1500;
    const ok2 = backlogRun.ms < 20_000;
    console.log(
      `mail replies bench (Dovecot ${dovecot.imapPort}, SQLite, IDLE, auto_idle_delay_ms = ${app.services.config.imap?.auto_idle_delay_ms})`,
    );
    console.log(
      `  mailbox -> API, ${times.length} replies one at a time: p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, min ${times[0]?.toFixed(0)} ms, max ${times.at(-1)?.toFixed(0)} ms  ${ok1 ? 'PASS' : 'FAIL'} (p50 < 1500 ms)`,
    );
    console.log(
      `  ${backlog} queued replies: all published and filed in ${(backlogRun.ms / 1000).toFixed(2)} s (${perMessage.toFixed(1)} ms each)  ${ok2 ? 'PASS' : 'FAIL'} (< 20 s)`,
    );
    if (process.env.BENCH_LOG === 'debug') {
      for (const l of app.logs.filter((e) => e.msg === 'mailbox chunk handled')) console.log('  chunk', JSON.stringify(l));
    }
    process.exitCode = ok1 && ok2 ? 0 : 1;
  } finally {
    await watcher.stop();
    await app.stop();
    await dovecot.stop();
  }
}

await main();
