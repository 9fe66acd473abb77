// The configuration's shape, defaults and limits. Every key here is documented in
// docs/configuration.md; test/unit/config-docs.test.ts fails when one is not.
import { z } from 'zod';
import { feedsSchema } from './sections/feeds.js';
import { jobsSchema, retentionSchema } from './sections/jobs.js';
import { imapSchema, mailSchema, smtpSchema } from './sections/mail.js';
import { checkRebuildKeys, rebuildFields } from './sections/rebuild.js';

export const listenPattern = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d{1,5})$/;
const listen = z.string().regex(listenPattern, 'write "host:port", e.g. "127.0.0.1:8080" or "[::1]:8080"');

const origin = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, '');
  } catch {
    return false;
  }
}, 'write an origin such as "https://example.com": scheme, host and optional port, no path');

export const siteIdPattern = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const siteSchema = z
  .object({
    name: z.string().min(1),
    origins: z.array(origin).min(1, 'list at least one origin, e.g. origins = ["https://example.com"]'),
    moderators: z.array(z.email()).default([]),
    locale: z.enum(['en', 'fr', 'de']).default('en'),
    owner_name: z.string().min(1).optional(),
    rate_limit_per_minute: z.number().int().min(0).default(5),
    max_author_length: z.number().int().min(1).max(1000).default(100),
    max_email_length: z.number().int().min(3).max(1000).default(254),
    max_website_length: z.number().int().min(8).max(4000).default(300),
    max_body_length: z.number().int().min(1).max(100_000).default(10_000),
    /** Folder whose files override templates/ by path (e.g. email/notification.html); relative to the config file. */
    templates_dir: z.string().min(1).optional(),
    /** Moderators' replies must carry a DKIM signature aligned with their From domain. */
    require_dkim: z.boolean().default(false),
    ...rebuildFields,
  })
  .strict()
  .superRefine(checkRebuildKeys);

/** Worst case of one character once a browser sends it: 4 bytes of UTF-8, each written "%XX". */
export const bytesPerCharacter = 12;
/** Page URL, title, parent id, field names and separators of a post. */
export const requestOverheadBytes = 2048;

type SiteLimits = Pick<z.infer<typeof siteSchema>, 'max_body_length' | 'max_author_length' | 'max_email_length' | 'max_website_length'>;

/** The largest request a post to this site can need when every field is at its limit. */
export function requestBytesNeeded(site: SiteLimits): number {
  const characters = site.max_body_length + site.max_author_length + site.max_email_length + site.max_website_length;
  return characters * bytesPerCharacter + requestOverheadBytes;
}

function maxBodyFor(site: SiteLimits, maxRequestBytes: number): number {
  const others = requestBytesNeeded({ ...site, max_body_length: 0 });
  return Math.max(0, Math.floor((maxRequestBytes - others) / bytesPerCharacter));
}

export const serverSchema = z
  .object({
    listen: listen.default('127.0.0.1:8080'),
    public_url: z.url().optional(),
    trusted_proxies: z.array(z.string().min(1)).default([]),
    // Fits a comment of the default 10,000 characters in the worst case (see requestBytesNeeded).
    max_request_bytes: z.number().int().min(1024).max(10_000_000).default(262_144),
    demo_page: z.boolean().default(true),
  })
  .strict();

export const databaseSchema = z
  .object({
    url: z
      .string()
      .refine(
        (v) => v.startsWith('file:') || v.startsWith('postgresql://') || v.startsWith('postgres://'),
        'write "file:./data/epistle.db" (SQLite) or "postgresql://user:password@host:5432/db"',
      )
      .default('file:./data/epistle.db'),
  })
  .strict();

export const logSchema = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict();

export const stacosysSchema = z
  .object({
    site: z.string().regex(siteIdPattern, 'write the id of a site declared as [sites.<id>]').optional(),
  })
  .strict();

/** Top-level sections other than [sites]; later sections (smtp, imap, jobs...) register here. */
export const sectionSchemas = {
  server: serverSchema,
  database: databaseSchema,
  log: logSchema,
  stacosys: stacosysSchema,
  jobs: jobsSchema,
  retention: retentionSchema,
  smtp: smtpSchema,
  imap: imapSchema,
  mail: mailSchema,
  feeds: feedsSchema,
};

export const configSchema = z
  .object({
    server: serverSchema.prefault({}),
    database: databaseSchema.prefault({}),
    log: logSchema.prefault({}),
    stacosys: stacosysSchema.prefault({}),
    jobs: jobsSchema.prefault({}),
    retention: retentionSchema.prefault({}),
    smtp: smtpSchema.optional(),
    imap: imapSchema.optional(),
    mail: mailSchema.prefault({}),
    feeds: feedsSchema.prefault({}),
    sites: z.record(z.string().regex(siteIdPattern, 'name the site with a-z, 0-9, "-" and "_", e.g. [sites.my-blog]'), siteSchema),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (Object.keys(config.sites).length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['sites'],
        message: 'no site is declared',
        params: { fix: 'add a table per site, e.g. [sites.blog] with name and origins' },
      });
    }
    for (const [id, site] of Object.entries(config.sites)) {
      const needed = requestBytesNeeded(site);
      if (needed <= config.server.max_request_bytes) continue;
      ctx.addIssue({
        code: 'custom',
        path: ['server', 'max_request_bytes'],
        message:
          `${config.server.max_request_bytes} bytes cannot carry the longest comment that [sites.${id}] accepts: ` +
          `${site.max_body_length} characters (with name, email and website at their limits) take up to ${needed} bytes ` +
          `in emoji or CJK (4 bytes each in UTF-8, 12 once URL-encoded by a form); such a post would be refused with 413`,
        params: {
          fix:
            `set [server] max_request_bytes = ${needed} or more, or lower sites.${id}.max_body_length to ` +
            `${maxBodyFor(site, config.server.max_request_bytes)} or less`,
        },
      });
    }
    const compat = config.stacosys.site;
    if (compat !== undefined && !(compat in config.sites)) {
      ctx.addIssue({
        code: 'custom',
        path: ['stacosys', 'site'],
        message: `no site "${compat}" in [sites]`,
        params: { fix: `use one of ${Object.keys(config.sites).join(', ')}, or declare [sites.${compat}]` },
      });
    }
  });

export type Config = z.infer<typeof configSchema>;
export type SiteConfig = z.infer<typeof siteSchema>;
