// The configuration's shape, defaults and limits. Every key here is documented in
// docs/configuration.md; test/unit/config-docs.test.ts fails when one is not.
import { z } from 'zod';

const listen = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d{1,5})$/, 'expected "host:port", e.g. "127.0.0.1:8080"');

const origin = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, '');
  } catch {
    return false;
  }
}, 'expected an origin such as "https://example.com" (scheme, host and optional port, no path)');

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
  })
  .strict();

export const serverSchema = z
  .object({
    listen: listen.default('127.0.0.1:8080'),
    public_url: z.url().optional(),
    trusted_proxies: z.array(z.string().min(1)).default([]),
    max_request_bytes: z.number().int().min(1024).max(10_000_000).default(65_536),
    demo_page: z.boolean().default(true),
  })
  .strict();

export const databaseSchema = z
  .object({
    url: z
      .string()
      .refine(
        (v) => v.startsWith('file:') || v.startsWith('postgresql://') || v.startsWith('postgres://'),
        'expected "file:./data/epistle.db" (SQLite) or "postgresql://user:password@host:5432/db"',
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
    site: z.string().regex(siteIdPattern).optional(),
  })
  .strict();

/** Top-level sections other than [sites]; later sections (smtp, imap, jobs...) register here. */
export const sectionSchemas = {
  server: serverSchema,
  database: databaseSchema,
  log: logSchema,
  stacosys: stacosysSchema,
};

export const configSchema = z
  .object({
    server: serverSchema.prefault({}),
    database: databaseSchema.prefault({}),
    log: logSchema.prefault({}),
    stacosys: stacosysSchema.prefault({}),
    sites: z.record(z.string().regex(siteIdPattern, 'site ids use a-z, 0-9, "-" and "_"'), siteSchema),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (Object.keys(config.sites).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['sites'], message: 'declare at least one site, e.g. [sites.blog]' });
    }
    const compat = config.stacosys.site;
    if (compat !== undefined && !(compat in config.sites)) {
      ctx.addIssue({ code: 'custom', path: ['stacosys', 'site'], message: `no site "${compat}" in [sites]` });
    }
  });

export type Config = z.infer<typeof configSchema>;
export type SiteConfig = z.infer<typeof siteSchema>;
