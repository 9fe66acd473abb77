// A build hook (Netlify, Cloudflare Pages, Vercel...): one POST starts a build on the host's side.
// Hooks answer at once and build afterwards, so the time budget covers the answer only. The URL
// is a secret (whoever has it can start builds): errors name its host, never the URL.

export interface HookTarget {
  url: string;
  timeoutMs: number;
}

/** Keep this much of an error answer's body in the log line. */
const bodyExcerpt = 300;

export async function postBuildHook(
  target: HookTarget,
  context: { siteId: string; reason: string | null; signal: AbortSignal },
): Promise<{ status: number }> {
  const host = new URL(target.url).host;
  const signal = AbortSignal.any([context.signal, AbortSignal.timeout(target.timeoutMs)]);
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: 'POST',
      // Hosts ignore the body (Netlify, Cloudflare) or show it (a custom endpoint): it is never required.
      headers: { 'content-type': 'application/json', 'user-agent': 'Epistle rebuild hook' },
      body: JSON.stringify({ site: context.siteId, reason: context.reason ?? 'manual' }),
      redirect: 'error',
      signal,
    });
  } catch (error) {
    throw new Error(`POST to ${host} failed: ${reasonOf(error, target.timeoutMs)}`, { cause: error });
  }
  // Read the body so the connection is released, within the same time budget.
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    const excerpt = text.replace(/\s+/g, ' ').trim().slice(0, bodyExcerpt);
    throw new Error(`POST to ${host} answered ${response.status}${excerpt ? `: ${excerpt}` : ''}`);
  }
  return { status: response.status };
}

function reasonOf(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return error.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : 'aborted';
  }
  // undici puts the network cause (ECONNREFUSED, ENOTFOUND, a TLS error) under `cause`.
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
