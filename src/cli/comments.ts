// `epistle comments list|approve|drop|spam`: moderation by hand, through the same use cases
// as the email loop.
import { listComments } from '../domain/comments/list-comments.js';
import { moderateComment, type Decision } from '../domain/comments/moderate-comment.js';
import { commentStatuses, type Comment, type CommentStatus } from '../domain/types.js';
import { fail, withServices, type GlobalOptions } from './context.js';

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function formatRow(c: Comment): string {
  return [
    String(c.id).padStart(5),
    c.status.padEnd(8),
    c.siteId.padEnd(10),
    c.createdAt.toISOString().slice(0, 16).replace('T', ' '),
    oneLine(c.author, 20).padEnd(20),
    c.pageUrl,
  ]
    .join('  ')
    .concat(`\n${' '.repeat(7)}${oneLine(c.body, 100)}`);
}

export async function list(options: GlobalOptions & { site?: string; status?: string; limit?: string; json?: boolean }): Promise<void> {
  if (options.status && !(commentStatuses as readonly string[]).includes(options.status)) {
    fail(`--status must be one of ${commentStatuses.join(', ')}`);
  }
  const limit = options.limit ? Number(options.limit) : 100;
  if (!Number.isInteger(limit) || limit < 1) fail('--limit must be a positive whole number');
  await withServices(options, async (s) => {
    const rows = await listComments(s, {
      ...(options.site ? { siteId: options.site } : {}),
      ...(options.status ? { status: options.status as CommentStatus } : {}),
      limit,
    });
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify(
          rows.map(({ token: _t, ...rest }) => rest),
          null,
          2,
        )}\n`,
      );
      return;
    }
    if (rows.length === 0) {
      process.stdout.write('no comments\n');
      return;
    }
    process.stdout.write(`${rows.map(formatRow).join('\n')}\n`);
  });
}

export async function moderate(decision: Decision, idText: string, options: GlobalOptions & { force?: boolean }): Promise<void> {
  const id = Number(idText);
  if (!Number.isSafeInteger(id) || id < 1) fail(`"${idText}" is not a comment id`);
  await withServices(options, async (s) => {
    const outcome = await moderateComment(s, { commentId: id, decision, force: options.force ?? false, by: 'cli' });
    const c = outcome.comment;
    switch (outcome.kind) {
      case 'applied':
        process.stdout.write(`comment ${c.id} is now ${c.status}\n`);
        break;
      case 'unchanged':
        process.stdout.write(`comment ${c.id} was already ${c.status}; nothing changed\n`);
        break;
      case 'already_decided':
        fail(`comment ${c.id} is already ${c.status}; use --force to change it`);
    }
  });
}
