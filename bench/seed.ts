// Seeds the benchmark pages through the same use cases readers and moderators go through
// (submitComment, then moderateComment approve), against the database file the server will
// open. Runs before the server starts; its time is not measured.
import { loadConfig } from '../src/config/load.js';
import { moderateComment } from '../src/domain/comments/moderate-comment.js';
import { submitComment } from '../src/domain/comments/submit-comment.js';
import { createLogger } from '../src/log.js';
import { createServices, type Services } from '../src/services.js';
import { commentAuthor, commentBody, prng } from './comment-text.js';

export interface SeedPage {
  url: string;
  comments: number;
  /** Every n-th comment answers an earlier one. */
  replyEvery: number;
}

export async function seed(configPath: string, siteId: string, pages: SeedPage[]): Promise<void> {
  const { config } = loadConfig({ path: configPath });
  const services = await createServices(config, createLogger('warn', process.stderr));
  try {
    for (const [n, page] of pages.entries()) await seedPage(services, siteId, page, prng(1000 + n));
  } finally {
    await services.close();
  }
}

async function seedPage(services: Services, siteId: string, page: SeedPage, random: () => number): Promise<void> {
  const published: number[] = [];
  for (let i = 0; i < page.comments; i++) {
    const replyTo = i % page.replyEvery === page.replyEvery - 1 ? published[Math.floor(random() * published.length)] : undefined;
    const result = await submitComment(services, {
      siteId,
      url: page.url,
      ...commentAuthor(random, i),
      body: commentBody(random),
      ...(replyTo !== undefined ? { parent: replyTo } : {}),
      clientIp: `192.0.2.${1 + (i % 200)}`,
    });
    if (result.kind !== 'stored') throw new Error('seeding: comment not stored');
    const outcome = await moderateComment(services, { commentId: result.comment.id, decision: 'approve', by: 'bench' });
    if (outcome.kind !== 'applied') throw new Error(`seeding: approve gave ${outcome.kind}`);
    published.push(result.comment.id);
  }
}
