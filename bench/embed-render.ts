// How long the embed's script works to show a 300-comment thread in Chromium, from the moment
// its last response (thread JSON or strings) has arrived to the moment the finished thread, with
// its reply buttons, relative dates and form, is in the page. Baseline, in the same run and
// browser: setting innerHTML to the same thread's HTML, already in a string (what a
// server-rendered fragment costs the browser, with no script work of its own).
// Target (issue 7): under 50 ms. Usage: npm run bench:embed [-- --runs 15]
import { availableParallelism, loadavg } from 'node:os';
import { commentAuthor, commentBody, prng } from './comment-text.js';
import { publish, snippetPage, startEmbedWorld } from '../test/support/embed-site.js';

// Callbacks given to page.evaluate run in the browser; this Node program has no DOM typings.
declare const document: any, window: any;

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 15;
const comments = 300;
const targetMs = 50;

const world = await startEmbedWorld();
try {
  const { app, blog, browser } = world;
  const url = `${blog.origin}/bench/`;
  const random = prng(7);
  const ids: number[] = [];
  for (let i = 0; i < comments; i++) {
    const parent = i % 4 === 3 ? ids[Math.floor(random() * ids.length)] : undefined;
    ids.push(await publish(app, 'blog', { url, ...commentAuthor(random, i), body: commentBody(random), ...(parent ? { parent } : {}) }));
  }
  // Watches the container from the start: resolves when the embed puts the thread in it.
  // It also notes when the embed's script receives each API response (Response.json called):
  // the script's own time runs from the later of the two to the finished thread. The time from the
  // network's responseEnd adds whatever else the browser's main thread was doing meanwhile.
  const probe = `<script>
window.received = [];
const json = Response.prototype.json;
Response.prototype.json = function () {
  if (/\\/api\\/sites\\/blog\\/(comments|strings)/.test(this.url)) window.received.push(performance.now());
  return json.call(this);
};
window.rendered = new Promise((resolve) => {
  const container = document.getElementById('epistle-thread');
  new MutationObserver((_, observer) => {
    if (!container.querySelector('.epistle')) return;
    observer.disconnect();
    const at = performance.now();
    const ends = performance.getEntriesByType('resource').filter((e) => /\\/api\\/sites\\/blog\\/(comments|strings)/.test(e.name)).map((e) => e.responseEnd);
    resolve({ at, lastResponse: Math.max(...ends), responses: ends.length, received: Math.max(...window.received) });
  }).observe(container, { childList: true });
});
</script>`;
  blog.pages.set('/bench/', { body: snippetPage(app.url, 'blog').replace('</body>', `${probe}</body>`) });

  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const embedMs: number[] = [];
  const pipelineMs: number[] = [];
  let html = '';
  for (let i = 0; i < runs + 1; i++) {
    await page.goto(url);
    const r = await page.evaluate(() => window.rendered);
    if (r.responses < 2) throw new Error(`expected the thread and strings responses, saw ${r.responses}`);
    // The first run warms the browser's caches and JIT.
    if (i > 0) embedMs.push(r.at - r.received);
    if (i > 0) pipelineMs.push(r.at - r.lastResponse);
    html ||= await page.evaluate(() => document.querySelector('#epistle-thread').innerHTML);
  }
  const shown = await page.locator('.epistle-comment').count();
  if (shown !== comments) throw new Error(`the embed showed ${shown} comments, not ${comments}`);

  blog.pages.set('/baseline/', {
    body: `<!doctype html><html><head><meta charset="utf-8"><title>baseline</title></head><body>
<section id="epistle-thread"></section>
<script>
const html = ${JSON.stringify(html).replace(/</g, '\\u003c')};
const start = performance.now();
document.getElementById('epistle-thread').innerHTML = html;
window.baselineMs = performance.now() - start;
</script></body></html>`,
  });
  const baselineMs: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    await page.goto(`${blog.origin}/baseline/`);
    const ms = await page.evaluate(() => window.baselineMs);
    if (i > 0) baselineMs.push(ms);
  }
  await context.close();

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const max = (xs: number[]) => Math.max(...xs);
  const min = (xs: number[]) => Math.min(...xs);
  const f = (n: number) => n.toFixed(1).padStart(8);
  const json = Buffer.byteLength(
    JSON.stringify(await (await fetch(`${app.url}/api/sites/blog/comments?url=${encodeURIComponent(url)}`)).json()),
  );
  process.stdout.write(
    [
      `Embed render, ${comments} comments (${(json / 1024).toFixed(1)} KiB JSON, ${(html.length / 1024).toFixed(1)} KiB HTML), ${runs} runs each, Chromium ${browser.version()}`,
      `${'what'.padEnd(44)}${'median ms'.padStart(10)}${'min ms'.padStart(9)}${'max ms'.padStart(9)}`,
      `${'embed script: responses in -> thread shown'.padEnd(44)}  ${f(median(embedMs))} ${f(min(embedMs))} ${f(max(embedMs))}`,
      `${'  the same from the network (responseEnd)'.padEnd(44)}  ${f(median(pipelineMs))} ${f(min(pipelineMs))} ${f(max(pipelineMs))}`,
      `${'baseline: innerHTML of the same HTML string'.padEnd(44)}  ${f(median(baselineMs))} ${f(min(baselineMs))} ${f(max(baselineMs))}`,
      `ratio embed / baseline = ${(median(embedMs) / median(baselineMs)).toFixed(2)}`,
      // Wall-clock times: on a machine busier than its CPUs, both rows grow, the ratio much less.
      `load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} CPUs${loadavg()[0]! > availableParallelism() ? ' (busy machine: times inflated)' : ''}`,
      `${median(embedMs) < targetMs ? 'PASS' : 'FAIL'}: median ${median(embedMs).toFixed(1)} ms (target < ${targetMs} ms)`,
      '',
    ].join('\n'),
  );
  if (median(embedMs) >= targetMs) process.exitCode = 1;
} finally {
  await world.stop();
}
