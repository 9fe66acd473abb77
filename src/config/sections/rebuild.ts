// [sites.<id>] rebuild_*: the static-site build that follows the site's published comments, by a
// build hook (a secret URL POSTed to) or a local command (an argv list, run without a shell).
import { isAbsolute } from 'node:path';
import { z } from 'zod';

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Loopback: a hook on this machine, where plain http cannot be read on the way. */
export function isLoopbackHost(hostname: string): boolean {
  return loopbackHosts.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname.endsWith('.localhost');
}

const hookFix = 'write the build hook URL your host gave you, e.g. "https://api.netlify.com/build_hooks/<id>"';

const rebuildHook = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not a URL', params: { fix: hookFix } });
    return;
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return;
  // The URL is the secret that starts builds: over plain http anyone on the way could copy it.
  ctx.addIssue({
    code: 'custom',
    message: url.protocol === 'http:' ? 'plain http is accepted only for a hook on this machine' : `"${url.protocol}" is not http(s)`,
    params: { fix: 'use the https:// URL of the build hook (http:// only for localhost/127.0.0.1)' },
  });
});

const rebuildCommand = z
  .array(z.string().min(1, 'an empty argument; remove it'))
  .min(1, 'write the program and its arguments, e.g. ["/usr/local/bin/build-blog", "--minify"]')
  .superRefine((argv, ctx) => {
    const program = argv[0];
    if (program !== undefined && !isAbsolute(program)) {
      ctx.addIssue({
        code: 'custom',
        path: [0],
        message: `"${program}" is not an absolute path`,
        params: { fix: 'write the program\'s full path, e.g. "/usr/local/bin/build-blog" (no shell runs it, so no PATH lookup or "~")' },
      });
    }
  });

/** Fields merged into the site table's schema. */
export const rebuildFields = {
  /** Secret URL POSTed to after changes (Netlify, Cloudflare Pages, Vercel... build hooks). */
  rebuild_hook: rebuildHook.optional(),
  /** argv of a local build, run without a shell. */
  rebuild_command: rebuildCommand.optional(),
  /** How long a build may take; default 600 s for a command, 30 s for a hook's answer. */
  rebuild_timeout_seconds: z.number().int().min(1).max(86_400).optional(),
  rebuild_debounce_seconds: z.number().int().min(0).max(86_400).default(60),
};

export const defaultTimeoutSeconds = { command: 600, hook: 30 } as const;

/** Cross-key rules, called from the site schema's superRefine. */
export function checkRebuildKeys(
  site: { rebuild_hook?: string | undefined; rebuild_command?: string[] | undefined; rebuild_timeout_seconds?: number | undefined },
  ctx: z.RefinementCtx,
): void {
  if (site.rebuild_hook !== undefined && site.rebuild_command !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['rebuild_command'],
      message: 'rebuild_hook and rebuild_command are both set',
      params: { fix: 'keep one: rebuild_hook for a hosted build (Netlify, Cloudflare Pages), rebuild_command for a build on this machine' },
    });
  }
  if (site.rebuild_timeout_seconds !== undefined && site.rebuild_hook === undefined && site.rebuild_command === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['rebuild_timeout_seconds'],
      message: 'has no effect without rebuild_hook or rebuild_command',
      params: { fix: 'set rebuild_hook or rebuild_command, or remove rebuild_timeout_seconds' },
    });
  }
}

/** What may be logged of a hook URL: its host. The path is the secret. */
export function hookHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}
