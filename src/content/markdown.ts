import MarkdownIt from 'markdown-it';
import { createRequire } from 'node:module';
import type sanitizeHtmlType from 'sanitize-html';

/**
 * The Markdown parse every article goes through: import derives its plain text (for the index,
 * the excerpt and the duplicate signature) from it, and the page renderer (render-markdown.ts)
 * renders the same tokens. Parsing needs neither highlight.js nor sanitize-html: keeping them out
 * of this module keeps them out of the import's worker threads, where loading them took 300 ms of
 * each worker's start.
 */

/** A Markdown parser with our parse rules; the renderer adds its own rules to its instance. */
export function createMarkdown(): MarkdownIt {
  const md = new MarkdownIt({ html: true, linkify: true, typographer: false });
  // linkify-it's pretest is one large Unicode regular expression, run over every paragraph: a fifth of
  // the Markdown parse. Every link it can find holds one of these (a scheme's ':' or '//', a host's
  // '.', an address's '@', or localhost), and they are rare in Chinese prose (5 % of paragraphs).
  const pretest = md.linkify.pretest.bind(md.linkify);
  md.linkify.pretest = (text) => MAY_HOLD_LINK.test(text) && pretest(text);
  // Only web and mail links, and relative ones; markdown-it alone would let data: images through.
  md.validateLink = (url) => /^(https?:|mailto:|[/#.?]|[^:]*$)/i.test(url.trim());
  return md;
}

const MAY_HOLD_LINK = /[.:@/]|localhost/i;
const md = createMarkdown();
export type Token = ReturnType<MarkdownIt['parse']>[number];

// Raw HTML blocks are rare in articles (none in the demo or benchmark corpora), so the sanitiser that
// turns one into text is loaded the first time one is met, not by every thread that parses.
const require = createRequire(import.meta.url);
let sanitizer: typeof sanitizeHtmlType | undefined;
function textOfHtml(html: string): string {
  sanitizer ??= require('sanitize-html') as typeof sanitizeHtmlType;
  return sanitizer(html, { allowedTags: [], allowedAttributes: {} });
}

/** A heading anchor: keeps letters (CJK included) and digits, joins the rest with '-'. */
export function headingSlug(text: string): string {
  const slug = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'section';
}

/** The text of an inline token's children (text and inline code), without markup. */
export function inlineText(token: Token | undefined): string {
  return (token?.children ?? []).map((child) => (child.type === 'text' || child.type === 'code_inline' ? child.content : '')).join('');
}

/** The text of a parse: blocks a line each, code kept, raw HTML reduced to its text. */
export function plainTextOf(tokens: Token[]): string {
  const parts: string[] = [];
  for (const token of tokens) {
    if (token.type === 'inline') parts.push(inlineText(token));
    else if (token.type === 'fence' || token.type === 'code_block') parts.push(token.content);
    else if (token.type === 'html_block') parts.push(textOfHtml(token.content));
    if (token.block && token.nesting <= 0) parts.push('\n');
  }
  return parts
    .join('')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

/**
 * The plain text renderMarkdown gives, from the parse alone: no rendering, highlighting or
 * sanitising of the HTML, so import and indexing do not pay for pages nobody may open.
 */
export function extractPlainText(source: string): string {
  return plainTextOf(md.parse(source, {}));
}
