// What the comment feeds need from storage. The adapter is src/db/feed-store.ts.

/** An approved comment as a feed shows it: never the email, IP or token. */
export interface FeedComment {
  id: number;
  author: string;
  website: string | null;
  html: string;
  pageUrl: string;
  pageTitle: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}

export interface FeedStore {
  /**
   * The site's version, bumped in the same transaction as every change to its published
   * comments, so a cache keyed on it is right for every instance sharing the database.
   * Null when the site has no row (it is created at start).
   */
  siteFeedState(siteId: string): Promise<{ version: number; createdAt: Date } | null>;
  /** Approved comments of the site (or of one page), newest first. */
  latestApproved(filter: { siteId: string; pageUrl: string | null; limit: number }): Promise<FeedComment[]>;
  /** The page's stored title; null when the page has none or does not exist. */
  pageTitle(siteId: string, pageUrl: string): Promise<string | null>;
  /**
   * When the comments shown in scope last changed: the latest change to a comment that is, or
   * may have been, published (approved, dropped or spam). Null when there is none.
   */
  lastChange(filter: { siteId: string; pageUrl: string | null }): Promise<Date | null>;
}
