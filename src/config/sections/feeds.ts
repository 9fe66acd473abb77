// [feeds]: the RSS, Atom and JSON feeds of approved comments (docs/feeds.md).
import { z } from 'zod';

export const feedsSchema = z
  .object({
    enabled: z.boolean().default(true),
    max_items: z
      .number({ error: 'expected a whole number of comments, e.g. max_items = 50' })
      .int('expected a whole number of comments, e.g. max_items = 50')
      .min(1, 'a feed lists at least 1 comment')
      .max(1000, 'at most 1000 comments per feed (each feed is built in memory)')
      .default(50),
  })
  .strict();

export type FeedsConfig = z.infer<typeof feedsSchema>;
