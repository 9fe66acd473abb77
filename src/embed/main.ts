// embed.js: `<section id="epistle-thread" data-epistle-site="blog"></section>` plus this script.
// The server it talks to is the one it was loaded from (its folder, so that Epistle may live
// under a path behind a proxy); it asks nothing of anyone else.
import { api } from './api';
import { fillCounts, pageAddress } from './counts';
import { relativeDates } from './dates';
import { attachForm, takeOver } from './enhance';
import { h } from './dom';
import { renderThread } from './render-thread';
import { t } from './strings';

function start(script: HTMLScriptElement | null): void {
  if (!script) return;
  const base = new URL('./', script.src).href;
  const siteOfScript = script.dataset.epistleSite;
  fillCounts(base, siteOfScript).catch(() => undefined);

  const container = document.getElementById('epistle-thread');
  if (!container) return;
  document.head.append(
    h('link', { rel: 'stylesheet', href: base + EPISTLE_CSS.file, integrity: EPISTLE_CSS.integrity, crossorigin: 'anonymous' }),
  );
  // Comments are fetched only when the reader comes near them.
  if (!('IntersectionObserver' in window)) {
    void loadThread(container, base, siteOfScript);
    return;
  }
  const observer = new IntersectionObserver(
    (entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      void loadThread(container, base, siteOfScript);
    },
    { rootMargin: '600px 0px' },
  );
  observer.observe(container);
}

async function loadThread(container: HTMLElement, base: string, siteOfScript: string | undefined): Promise<void> {
  const options = container.dataset;
  const site = options.epistleSite ?? siteOfScript;
  if (!site) return;
  const canonical = document.querySelector<HTMLLinkElement>('link[rel="canonical"]')?.href;
  const pageUrl = options.epistleUrl ?? pageAddress(new URL(canonical ?? location.href));
  const baked = container.querySelector<HTMLElement>('.epistle[data-epistle-version]');
  const server = api(base, site);
  const lang = options.epistleLang ?? baked?.lang;
  const ctx = { api: server, pageUrl, title: options.epistleTitle ?? document.title };
  try {
    if (baked) {
      const s = await server.strings(lang);
      takeOver(baked, s, relativeDates(s.lang));
      attachForm(baked, { ...ctx, s });
      return;
    }
    const [s, thread] = await Promise.all([server.strings(lang), server.thread(pageUrl)]);
    const root = renderThread(thread, s, site, relativeDates(s.lang));
    attachForm(root, { ...ctx, s });
    container.replaceChildren(root);
  } catch {
    const s = await server.strings(lang).catch(() => null);
    if (s) container.replaceChildren(h('p', { class: 'epistle epistle-load-error', role: 'status' }, t(s, 'load_failed')));
  }
}

// document.currentScript is set only while the script first runs, which may be before the page is parsed.
const script =
  document.currentScript instanceof HTMLScriptElement
    ? document.currentScript
    : document.querySelector<HTMLScriptElement>('script[src*="/embed."]');
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => start(script));
else start(script);
