// Markdown from readers to HTML that is safe to insert in any page: raw HTML is escaped, images
// are off (no tracking pixels), only http(s) and mailto links survive, and every link is marked
// rel="nofollow ugc noopener" so spam earns no ranking.
import MarkdownIt from 'markdown-it';
import type { Renderer } from '../domain/ports.js';

const allowedLink = /^(https?:|mailto:)/i;

export function createMarkdownRenderer(): Renderer {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: true });
  md.disable(['image']);
  md.validateLink = (url: string) => allowedLink.test(url.trim()) || (/^[#/]/.test(url.trim()) && !url.trim().startsWith('//'));
  const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    tokens[idx]?.attrSet('rel', 'nofollow ugc noopener');
    return defaultLinkOpen(tokens, idx, options, env, self);
  };
  return { render: (markdown: string) => md.render(markdown) };
}
