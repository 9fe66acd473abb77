// FeedStore in SQL (Kysely): the site's version for cache checks, and the approved comments of a feed.
import type { FeedComment, FeedStore } from '../domain/feeds/ports.js';
import type { Db } from './client.js';
import { parseTimestamp } from './values.js';

export class SqlFeedStore implements FeedStore {
  constructor(private readonly db: Db) {}

  async siteFeedState(siteId: string): Promise<{ version: number; createdAt: Date } | null> {
    const row = await this.db.selectFrom('Site').select(['version', 'createdAt']).where('id', '=', siteId).executeTakeFirst();
    return row ?? null;
  }

  async latestApproved(filter: { siteId: string; pageUrl: string | null; limit: number }): Promise<FeedComment[]> {
    let query = this.db
      .selectFrom('Comment as c')
      .innerJoin('Page as p', 'p.id', 'c.pageId')
      .select(['c.id', 'c.author', 'c.website', 'c.html', 'c.createdAt', 'c.decidedAt', 'p.url', 'p.title'])
      .where('c.status', '=', 'approved')
      .where('p.siteId', '=', filter.siteId);
    if (filter.pageUrl !== null) query = query.where('p.url', '=', filter.pageUrl);
    const rows = await query.orderBy('c.createdAt', 'desc').orderBy('c.id', 'desc').limit(filter.limit).execute();
    return rows.map(({ url, title, html, ...c }) => ({ ...c, html: html ?? '', pageUrl: url, pageTitle: title }));
  }

  async pageTitle(siteId: string, pageUrl: string): Promise<string | null> {
    const page = await this.db
      .selectFrom('Page')
      .select('title')
      .where('siteId', '=', siteId)
      .where('url', '=', pageUrl)
      .executeTakeFirst();
    return page?.title ?? null;
  }

  async lastChange(filter: { siteId: string; pageUrl: string | null }): Promise<Date | null> {
    // updatedAt moves with every write to a row (approval, drop, edit); a pending comment was never shown.
    let query = this.db
      .selectFrom('Comment as c')
      .innerJoin('Page as p', 'p.id', 'c.pageId')
      .select((eb) => eb.fn.max('c.updatedAt').as('last'))
      .where('c.status', '<>', 'pending')
      .where('p.siteId', '=', filter.siteId);
    if (filter.pageUrl !== null) query = query.where('p.url', '=', filter.pageUrl);
    const row = await query.executeTakeFirst();
    // An aggregate has no declared column type: SQLite hands back the stored text.
    return parseTimestamp(row?.last);
  }
}
