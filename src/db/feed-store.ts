// FeedStore on Prisma: the site's version for cache checks, and the approved comments of a feed.
import type { FeedComment, FeedStore } from '../domain/feeds/ports.js';
import type { Db } from './client.js';

export class PrismaFeedStore implements FeedStore {
  constructor(private readonly db: Db) {}

  async siteFeedState(siteId: string): Promise<{ version: number; createdAt: Date } | null> {
    return this.db.site.findUnique({ where: { id: siteId }, select: { version: true, createdAt: true } });
  }

  async latestApproved(filter: { siteId: string; pageUrl: string | null; limit: number }): Promise<FeedComment[]> {
    const rows = await this.db.comment.findMany({
      where: { status: 'approved', page: pageScope(filter) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: filter.limit,
      select: {
        id: true,
        author: true,
        website: true,
        html: true,
        createdAt: true,
        decidedAt: true,
        page: { select: { url: true, title: true } },
      },
    });
    return rows.map(({ page, html, ...c }) => ({ ...c, html: html ?? '', pageUrl: page.url, pageTitle: page.title }));
  }

  async pageTitle(siteId: string, pageUrl: string): Promise<string | null> {
    const page = await this.db.page.findUnique({ where: { siteId_url: { siteId, url: pageUrl } }, select: { title: true } });
    return page?.title ?? null;
  }

  async lastChange(filter: { siteId: string; pageUrl: string | null }): Promise<Date | null> {
    // updatedAt moves with every write to a row (approval, drop, edit); a pending comment was never shown.
    const { _max } = await this.db.comment.aggregate({
      where: { status: { not: 'pending' }, page: pageScope(filter) },
      _max: { updatedAt: true },
    });
    return _max.updatedAt;
  }
}

function pageScope(filter: { siteId: string; pageUrl: string | null }) {
  return filter.pageUrl === null ? { siteId: filter.siteId } : { siteId: filter.siteId, url: filter.pageUrl };
}
