// CommentStore in SQL (Kysely). Page rows are created on first comment; a page's `version` is
// bumped in the same transaction as every change to its published comments (read caches key on
// it), and so is its site's `version` (feed caches key on that).
import { sql, type Insertable } from 'kysely';
import type { CommentStore } from '../domain/ports.js';
import type { Comment, CommentStatus, NewComment, PublishedComment } from '../domain/types.js';
import type { OutgoingMail } from '../domain/mail/ports.js';
import type { Db } from './client.js';
import { CoalescedReads } from './coalesced-reads.js';
import { outboxRowData } from './outbox.js';
import { param, prepare } from './prepared.js';
import { recordRebuildRequest } from './rebuild-queue.js';
import type { RebuildRequest } from '../domain/rebuilds/ports.js';
import type { Comment as CommentTable, Outbox as OutboxTable } from './tables.js';

/** Comment columns with its page's url and siteId, as toComment reads them. */
function selectComment(db: Db) {
  return db
    .selectFrom('Comment as c')
    .innerJoin('Page as p', 'p.id', 'c.pageId')
    .select([
      'c.id',
      'c.pageId',
      'c.parentId',
      'c.author',
      'c.email',
      'c.website',
      'c.body',
      'c.html',
      'c.status',
      'c.byOwner',
      'c.clientIp',
      'c.token',
      'c.createdAt',
      'c.decidedAt',
      'p.url',
      'p.siteId',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof selectComment>['executeTakeFirstOrThrow']>>;

export function toComment(row: Row): Comment {
  return {
    id: row.id,
    siteId: row.siteId,
    pageId: row.pageId,
    pageUrl: row.url,
    parentId: row.parentId,
    author: row.author,
    email: row.email,
    website: row.website,
    body: row.body,
    html: row.html,
    status: row.status as CommentStatus,
    byOwner: row.byOwner,
    clientIp: row.clientIp,
    token: row.token,
    createdAt: row.createdAt,
    decidedAt: row.decidedAt,
  };
}

// Object types as records, for prepare()'s parameter bag.
type Bound<T> = { [K in keyof T]: T[K] };

export class SqlCommentStore implements CommentStore {
  // Every read request asks for its page's version; under load one query answers many of them.
  private readonly versionReads = new CoalescedReads<{ pageId: number; version: number } | null>();

  // The intake and read paths, compiled once (src/db/prepared.ts says why).
  private readonly q = {
    upsertPage: prepare<Bound<{ siteId: string; url: string; title: string | null; bump: number; now: Date }>, { id: number }>(() =>
      this.db
        .insertInto('Page')
        // A page created by a published comment starts at version 1: version 0 means "no page" to caches.
        .values({ siteId: param('siteId'), url: param('url'), title: param('title'), version: param('bump'), createdAt: param('now') })
        .onConflict((oc) =>
          oc.columns(['siteId', 'url']).doUpdateSet({ version: sql<number>`"Page"."version" + ${param<number>('bump')}` }),
        )
        .returning('id'),
    ),
    bumpSite: prepare<Bound<{ siteId: string }>, never>(() =>
      this.db
        .updateTable('Site')
        .set({ version: sql<number>`"version" + 1` })
        .where('id', '=', param<string>('siteId')),
    ),
    insertComment: prepare<Bound<Insertable<CommentTable>>, { id: number }>(() =>
      this.db
        .insertInto('Comment')
        .values({
          pageId: param('pageId'),
          parentId: param('parentId'),
          author: param('author'),
          email: param('email'),
          website: param('website'),
          body: param('body'),
          clientIp: param('clientIp'),
          token: param('token'),
          byOwner: param('byOwner'),
          status: param('status'),
          html: param('html'),
          decidedAt: param('decidedAt'),
          createdAt: param('createdAt'),
          updatedAt: param('updatedAt'),
        })
        .returning('id'),
    ),
    insertOutbox: prepare<Bound<Insertable<OutboxTable>>, never>(() =>
      this.db.insertInto('Outbox').values({
        kind: param('kind'),
        siteId: param('siteId'),
        commentId: param('commentId'),
        recipients: param('recipients'),
        messageId: param('messageId'),
        payload: param('payload'),
        createdAt: param('createdAt'),
        nextAttemptAt: param('nextAttemptAt'),
      }),
    ),
    setNotification: prepare<Bound<{ id: number; messageId: string }>, never>(() =>
      this.db
        .updateTable('Comment')
        .set({ notificationMessageId: param('messageId') })
        .where('id', '=', param<number>('id')),
    ),
    pageVersion: prepare<Bound<{ siteId: string; url: string }>, { id: number; version: number }>(() =>
      this.db
        .selectFrom('Page')
        .select(['id', 'version'])
        .where('siteId', '=', param<string>('siteId'))
        .where('url', '=', param<string>('url')),
    ),
    approved: prepare<Bound<{ pageId: number }>, Omit<PublishedComment, 'html'> & { html: string | null }>(() =>
      this.db
        .selectFrom('Comment')
        .select(['id', 'parentId', 'author', 'website', 'email', 'html', 'byOwner', 'createdAt'])
        .where('pageId', '=', param<number>('pageId'))
        .where('status', '=', 'approved')
        .orderBy('createdAt', 'asc')
        .orderBy('id', 'asc'),
    ),
  };

  constructor(private readonly db: Db) {}

  async upsertSites(sites: Array<{ id: string; name: string }>): Promise<void> {
    for (const s of sites) {
      await this.db
        .insertInto('Site')
        .values({ id: s.id, name: s.name, createdAt: new Date() })
        .onConflict((oc) => oc.column('id').doUpdateSet({ name: s.name }))
        .execute();
    }
  }

  createComment(input: NewComment, notify?: (comment: Comment) => OutgoingMail | null): Promise<Comment> {
    // Two first comments on a new page race to create its row: the page is written with
    // INSERT ... ON CONFLICT DO UPDATE, atomic on both providers, so neither fails.
    return this.db.transaction().execute(async (tx) => {
      const now = new Date();
      const [page] = (
        await tx.executeQuery(
          this.q.upsertPage({
            siteId: input.siteId,
            url: input.pageUrl,
            title: input.pageTitle ?? null,
            bump: input.approved ? 1 : 0,
            now,
          }),
        )
      ).rows;
      if (!page) throw new Error('the page upsert returned no row');
      if (input.approved) await tx.executeQuery(this.q.bumpSite({ siteId: input.siteId }));
      const comment: Comment = {
        id: 0,
        siteId: input.siteId,
        pageId: page.id,
        pageUrl: input.pageUrl,
        parentId: input.parentId,
        author: input.author,
        email: input.email,
        website: input.website,
        body: input.body,
        html: input.approved ? input.approved.html : null,
        status: input.approved ? 'approved' : 'pending',
        byOwner: input.byOwner ?? false,
        clientIp: input.clientIp,
        token: input.token,
        createdAt: now,
        decidedAt: input.approved ? input.approved.at : null,
      };
      const [inserted] = (
        await tx.executeQuery(
          this.q.insertComment({
            pageId: page.id,
            parentId: comment.parentId,
            author: comment.author,
            email: comment.email,
            website: comment.website,
            body: comment.body,
            clientIp: comment.clientIp,
            token: comment.token,
            byOwner: comment.byOwner,
            status: comment.status,
            html: comment.html,
            decidedAt: comment.decidedAt,
            createdAt: now,
            updatedAt: now,
          }),
        )
      ).rows;
      if (!inserted) throw new Error('the comment insert returned no row');
      comment.id = inserted.id;
      const mail = notify?.(comment);
      if (mail) {
        // The reply to this mail finds its comment by this Message-ID, so both are written together.
        if (!mail.messageId) throw new Error('a comment notification needs a fixed Message-ID');
        await tx.executeQuery(this.q.insertOutbox({ ...outboxRowData(mail, mail.messageId), createdAt: now, nextAttemptAt: now }));
        await tx.executeQuery(this.q.setNotification({ id: comment.id, messageId: mail.messageId }));
      }
      // The static site's rebuild is committed with the comment it publishes, or not at all.
      if (input.approved && input.rebuild) await recordRebuildRequest(tx, input.rebuild, input.approved.at);
      return comment;
    });
  }

  async findComment(id: number): Promise<Comment | null> {
    const row = await selectComment(this.db).where('c.id', '=', id).executeTakeFirst();
    return row ? toComment(row) : null;
  }

  async listComments(filter: { siteId?: string; status?: CommentStatus; limit: number }): Promise<Comment[]> {
    let query = selectComment(this.db);
    if (filter.status) query = query.where('c.status', '=', filter.status);
    if (filter.siteId) query = query.where('p.siteId', '=', filter.siteId);
    const rows = await query.orderBy('c.createdAt', 'desc').orderBy('c.id', 'desc').limit(filter.limit).execute();
    return rows.map(toComment);
  }

  async transition(
    id: number,
    from: CommentStatus,
    to: CommentStatus,
    html: string | null,
    at: Date,
    rebuild?: RebuildRequest | null,
  ): Promise<Comment | null> {
    return this.db.transaction().execute(async (tx) => {
      const updated = await tx
        .updateTable('Comment')
        .set({ status: to, html, decidedAt: at, updatedAt: new Date() })
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) return null;
      const row = await selectComment(tx).where('c.id', '=', id).executeTakeFirstOrThrow();
      if (from === 'approved' || to === 'approved') {
        await tx
          .updateTable('Page')
          .set({ version: sql<number>`"version" + 1` })
          .where('id', '=', row.pageId)
          .execute();
        await tx
          .updateTable('Site')
          .set({ version: sql<number>`"version" + 1` })
          .where('id', '=', row.siteId)
          .execute();
        if (rebuild) await recordRebuildRequest(tx, rebuild, at);
      }
      return toComment(row);
    });
  }

  pageVersion(siteId: string, url: string): Promise<{ pageId: number; version: number } | null> {
    return this.versionReads.read(`${siteId}\n${url}`, async () => {
      const [page] = (await this.db.executeQuery(this.q.pageVersion({ siteId, url }))).rows;
      return page ? { pageId: page.id, version: page.version } : null;
    });
  }

  async approvedComments(pageId: number): Promise<PublishedComment[]> {
    const { rows } = await this.db.executeQuery(this.q.approved({ pageId }));
    return rows.map((r) => ({ ...r, html: r.html ?? '' }));
  }

  async countApproved(siteId: string, urls: string[]): Promise<Map<string, number>> {
    if (urls.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('Page as p')
      .leftJoin('Comment as c', (join) => join.onRef('c.pageId', '=', 'p.id').on('c.status', '=', 'approved'))
      .select(['p.url', (eb) => eb.fn.count<number>('c.id').as('count')])
      .where('p.siteId', '=', siteId)
      .where('p.url', 'in', urls)
      .groupBy('p.url')
      .execute();
    return new Map(rows.map((r) => [r.url, Number(r.count)]));
  }

  async isApprovedOnPage(commentId: number, siteId: string, url: string): Promise<boolean> {
    const found = await this.db
      .selectFrom('Comment as c')
      .innerJoin('Page as p', 'p.id', 'c.pageId')
      .select('c.id')
      .where('c.id', '=', commentId)
      .where('c.status', '=', 'approved')
      .where('p.siteId', '=', siteId)
      .where('p.url', '=', url)
      .executeTakeFirst();
    return found !== undefined;
  }
}
