// CommentStore on Prisma. Page rows are created on first comment; a page's `version` is bumped in
// the same transaction as every change to its published comments (read caches key on it).
import type { CommentStore } from '../domain/ports.js';
import type { Comment, CommentStatus, NewComment, PublishedComment } from '../domain/types.js';
import type { Db } from './client.js';

const withPage = { page: { select: { url: true, siteId: true } } } as const;

type Row = Awaited<ReturnType<Db['comment']['findFirstOrThrow']>> & { page: { url: string; siteId: string } };

export function toComment(row: Row): Comment {
  return {
    id: row.id,
    siteId: row.page.siteId,
    pageId: row.pageId,
    pageUrl: row.page.url,
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

export class PrismaCommentStore implements CommentStore {
  constructor(private readonly db: Db) {}

  async upsertSites(sites: Array<{ id: string; name: string }>): Promise<void> {
    for (const s of sites) {
      await this.db.site.upsert({ where: { id: s.id }, create: { id: s.id, name: s.name }, update: { name: s.name } });
    }
  }

  async createComment(input: NewComment): Promise<Comment> {
    return this.db.$transaction(async (tx) => {
      const page = await tx.page.upsert({
        where: { siteId_url: { siteId: input.siteId, url: input.pageUrl } },
        create: { siteId: input.siteId, url: input.pageUrl },
        update: input.approved ? { version: { increment: 1 } } : {},
        select: { id: true },
      });
      const row = await tx.comment.create({
        data: {
          pageId: page.id,
          parentId: input.parentId,
          author: input.author,
          email: input.email,
          website: input.website,
          body: input.body,
          clientIp: input.clientIp,
          token: input.token,
          byOwner: input.byOwner ?? false,
          ...(input.approved ? { status: 'approved', html: input.approved.html, decidedAt: input.approved.at } : {}),
        },
        include: withPage,
      });
      return toComment(row);
    });
  }

  async findComment(id: number): Promise<Comment | null> {
    const row = await this.db.comment.findUnique({ where: { id }, include: withPage });
    return row ? toComment(row) : null;
  }

  async listComments(filter: { siteId?: string; status?: CommentStatus; limit: number }): Promise<Comment[]> {
    const rows = await this.db.comment.findMany({
      where: { ...(filter.status ? { status: filter.status } : {}), ...(filter.siteId ? { page: { siteId: filter.siteId } } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: filter.limit,
      include: withPage,
    });
    return rows.map(toComment);
  }

  async transition(id: number, from: CommentStatus, to: CommentStatus, html: string | null, at: Date): Promise<Comment | null> {
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.comment.updateMany({ where: { id, status: from }, data: { status: to, html, decidedAt: at } });
      if (count === 0) return null;
      const row = await tx.comment.findUniqueOrThrow({ where: { id }, include: withPage });
      if (from === 'approved' || to === 'approved') {
        await tx.page.update({ where: { id: row.pageId }, data: { version: { increment: 1 } } });
      }
      return toComment(row);
    });
  }

  async pageVersion(siteId: string, url: string): Promise<{ pageId: number; version: number } | null> {
    const page = await this.db.page.findUnique({ where: { siteId_url: { siteId, url } }, select: { id: true, version: true } });
    return page ? { pageId: page.id, version: page.version } : null;
  }

  async approvedComments(pageId: number): Promise<PublishedComment[]> {
    const rows = await this.db.comment.findMany({
      where: { pageId, status: 'approved' },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true, parentId: true, author: true, website: true, email: true, html: true, byOwner: true, createdAt: true },
    });
    return rows.map((r) => ({ ...r, html: r.html ?? '' }));
  }

  async countApproved(siteId: string, urls: string[]): Promise<Map<string, number>> {
    const pages = await this.db.page.findMany({
      where: { siteId, url: { in: urls } },
      select: { url: true, _count: { select: { comments: { where: { status: 'approved' } } } } },
    });
    return new Map(pages.map((p) => [p.url, p._count.comments]));
  }

  async isApprovedOnPage(commentId: number, siteId: string, url: string): Promise<boolean> {
    const found = await this.db.comment.count({ where: { id: commentId, status: 'approved', page: { siteId, url } } });
    return found > 0;
  }
}
