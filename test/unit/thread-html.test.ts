// The server's thread markup is a contract with the embed (docs/thread-markup.md): the embed takes
// baked-in markup over by these exact classes and attributes. These tests pin the shapes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ThreadComment } from '../../src/domain/comments/read-thread.js';
import { absoluteDate, renderThreadFrame, renderThreadHtml } from '../../src/render/thread-html.js';

const comment = (id: number, fields: Partial<ThreadComment> = {}): ThreadComment => ({
  id,
  parent: null,
  author: 'Ann',
  website: null,
  avatar: null,
  html: '<p>Hi</p>\n',
  date: '2026-12-02T10:00:00.000Z',
  byOwner: false,
  replies: [],
  ...fields,
});

const view = { siteId: 'blog', pageUrl: 'https://blog.example.com/post/', locale: 'en' as const, version: 7, count: 2 };

describe('the thread markup', () => {
  test('a comment with a website and the owner’s reply, exactly as the contract writes them', () => {
    const owner = comment(13, { parent: 12, author: 'Owner', byOwner: true, html: '<p>Thanks</p>\n' });
    const html = renderThreadHtml([comment(12, { website: 'https://ann.example/', replies: [owner] })], view);
    assert.equal(
      html,
      [
        '<div class="epistle" lang="en" data-epistle-site="blog" data-epistle-url="https://blog.example.com/post/" data-epistle-total="2" data-epistle-version="7">',
        '<h2 class="epistle-heading">2 comments</h2>',
        '<ol class="epistle-thread">',
        '<li class="epistle-comment" id="epistle-comment-12" data-epistle-id="12">',
        '<article class="epistle-card">',
        '<header class="epistle-meta"><a class="epistle-author" href="https://ann.example/" rel="nofollow ugc noopener">Ann</a> <a class="epistle-date" href="#epistle-comment-12"><time datetime="2026-12-02T10:00:00.000Z">December 2, 2026 at 10:00 AM UTC</time></a></header>',
        '<div class="epistle-body"><p>Hi</p>\n</div>',
        '</article>',
        '<ol class="epistle-replies">',
        '<li class="epistle-comment epistle-by-owner" id="epistle-comment-13" data-epistle-id="13">',
        '<article class="epistle-card">',
        '<header class="epistle-meta"><span class="epistle-author">Owner</span> <span class="epistle-owner-badge">Author</span> <a class="epistle-date" href="#epistle-comment-13"><time datetime="2026-12-02T10:00:00.000Z">December 2, 2026 at 10:00 AM UTC</time></a></header>',
        '<div class="epistle-body"><p>Thanks</p>\n</div>',
        '</article>',
        '</li>',
        '</ol>',
        '</li>',
        '</ol>',
        '</div>',
        '',
      ].join('\n'),
    );
  });

  test('no comment: the empty heading and an empty thread list', () => {
    const html = renderThreadHtml([], { ...view, count: 0, version: 0 });
    assert.match(html, /<h2 class="epistle-heading">No comments yet<\/h2>\n<ol class="epistle-thread">\n<\/ol>/);
    assert.match(html, /data-epistle-total="0" data-epistle-version="0"/);
  });

  test('names, websites and the page address are escaped; the stored body is kept as HTML', () => {
    const html = renderThreadHtml(
      [comment(1, { author: '<img src=x onerror=alert(1)>', website: 'https://x.example/"><script>alert(1)</script>' })],
      { ...view, pageUrl: 'https://blog.example.com/"><b>', count: 1 },
    );
    assert.doesNotMatch(html, /<img|<script|<b>/);
    assert.ok(html.includes('&#60;img src=x onerror=alert(1)&#62;'));
    assert.ok(html.includes('href="https://x.example/&#34;&#62;&#60;script&#62;'));
    assert.ok(html.includes('<div class="epistle-body"><p>Hi</p>\n</div>'));
  });

  test('strings and dates follow the language: French and German', () => {
    const fr = renderThreadHtml([comment(1)], { ...view, locale: 'fr', count: 1 });
    assert.match(fr, /lang="fr"/);
    assert.match(fr, /<h2 class="epistle-heading">1 commentaire<\/h2>/);
    assert.equal(absoluteDate('2026-12-02T10:00:00.000Z', 'fr'), '2 décembre 2026 à 10:00 UTC');
    assert.match(renderThreadHtml([], { ...view, locale: 'de', count: 0 }), /Noch keine Kommentare/);
  });

  test('the iframe document links the stylesheet absolutely and opens links in the top window', () => {
    const doc = renderThreadFrame('<div class="epistle"></div>\n', {
      locale: 'en',
      pageUrl: 'https://blog.example.com/post/',
      stylesheet: 'https://comments.example.com/embed.css',
      title: '3 comments',
    });
    assert.match(doc, /^<!doctype html>\n<html lang="en">/);
    assert.match(doc, /<link rel="stylesheet" href="https:\/\/comments\.example\.com\/embed\.css">/);
    assert.match(doc, /<base href="https:\/\/blog\.example\.com\/post\/" target="_top">/);
    assert.match(doc, /<body>\n<div class="epistle"><\/div>\n<\/body>/);
  });
});
