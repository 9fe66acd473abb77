// Plain data types shared by the use cases and their adapters.
import type { RebuildRequest } from './rebuilds/ports.js';

export const commentStatuses = ['pending', 'approved', 'dropped', 'spam'] as const;
export type CommentStatus = (typeof commentStatuses)[number];

export type Locale = 'en' | 'fr' | 'de';

/** A site as the domain sees it (built from the configuration by the composition root). */
export interface Site {
  id: string;
  name: string;
  /** Allowed origins, e.g. "https://example.com"; the first one resolves relative page paths. */
  origins: string[];
  moderators: string[];
  locale: Locale;
  ownerName: string;
  /** Replies by email must pass DKIM aligned with the moderator's From domain. */
  requireDkim: boolean;
  limits: {
    ratePerMinute: number;
    authorLength: number;
    emailLength: number;
    websiteLength: number;
    bodyLength: number;
  };
}

export interface Comment {
  id: number;
  siteId: string;
  pageId: number;
  pageUrl: string;
  parentId: number | null;
  author: string;
  email: string | null;
  website: string | null;
  body: string;
  html: string | null;
  status: CommentStatus;
  byOwner: boolean;
  clientIp: string | null;
  token: string;
  createdAt: Date;
  decidedAt: Date | null;
}

/** What the read API shows of an approved comment: never the email, IP or token. */
export interface PublishedComment {
  id: number;
  parentId: number | null;
  author: string;
  website: string | null;
  email: string | null;
  html: string;
  byOwner: boolean;
  createdAt: Date;
}

export interface NewComment {
  siteId: string;
  pageUrl: string;
  parentId: number | null;
  author: string;
  email: string | null;
  website: string | null;
  body: string;
  clientIp: string | null;
  token: string;
  byOwner?: boolean;
  /** Set for comments published at once (the owner's answers), with their rendered HTML. */
  approved?: { html: string; at: Date };
  /** The page's title as the reader's page gave it; kept only when this comment creates the page. */
  pageTitle?: string | null;
  /** Recorded with the comment when it is published at once on a site that rebuilds (src/domain/rebuilds). */
  rebuild?: RebuildRequest | null;
}
