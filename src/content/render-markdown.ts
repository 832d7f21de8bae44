import hljs from 'highlight.js';
import sanitizeHtml from 'sanitize-html';
import { escapeHtml } from '../search/snippet.js';
import { createMarkdown, headingSlug, inlineText, plainTextOf } from './markdown.js';

export interface RenderedArticle {
  /** Sanitised HTML of the body, headings with ids, code highlighted. */
  html: string;
  /** Table of contents (sanitised HTML), empty for short articles. */
  tocHtml: string;
  /** Text of the same parse, for search and snippets. */
  plainText: string;
}

/** Articles with at least this many h2/h3 headings get a table of contents. */
export const TOC_MIN_HEADINGS = 3;

const LANGUAGE_ALIASES: Record<string, string> = { shell: 'bash', sh: 'bash', zsh: 'bash', console: 'bash', js: 'javascript', ts: 'typescript', yml: 'yaml', 'c#': 'csharp', 'c++': 'cpp', golang: 'go', conf: 'nginx' };

function highlight(code: string, rawLang: string): string {
  const wanted = rawLang.toLowerCase().replace(/[^\w+#.-]/g, '');
  const lang = LANGUAGE_ALIASES[wanted] ?? wanted;
  const body = lang && hljs.getLanguage(lang) ? hljs.highlight(code, { language: lang, ignoreIllegals: true }).value : escapeHtml(code);
  const cls = lang ? ` class="hljs language-${escapeHtml(lang.replace(/[^\w-]/g, '-'))}"` : ' class="hljs"';
  // wide code scrolls sideways: keyboard users need to be able to focus it
  return `<pre tabindex="0"><code${cls}>${body}</code></pre>`;
}

// the same parse rules as extractPlainText's, so the page and the index see the same text
const md = createMarkdown();
md.set({ highlight });
const EXTERNAL = /^(https?:)?\/\//i;
const renderToken = md.renderer.renderToken.bind(md.renderer);
md.renderer.rules.link_open = (tokens, idx, options) => {
  const token = tokens[idx]!;
  // links that leave the site pass no ranking credit and no window.opener
  if (EXTERNAL.test(String(token.attrGet('href') ?? ''))) token.attrSet('rel', 'nofollow noopener noreferrer');
  return renderToken(tokens, idx, options);
};
const renderImage = md.renderer.rules.image!;
md.renderer.rules.image = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('loading', 'lazy');
  return renderImage(tokens, idx, options, env, self);
};

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'span', 'strong', 'b', 'em', 'i', 'del', 's',
    'sup', 'sub', 'kbd', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'details', 'summary',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'id'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    code: ['class'],
    span: ['class'],
    th: ['align', 'style'],
    td: ['align', 'style'],
    h1: ['id'], h2: ['id'], h3: ['id'], h4: ['id'], h5: ['id'], h6: ['id'],
    ol: ['start'],
  },
  allowedClasses: { code: ['hljs', /^language-[\w-]+$/], span: [/^hljs-[\w-]+$/] },
  allowedStyles: { th: { 'text-align': [/^(left|right|center)$/] }, td: { 'text-align': [/^(left|right|center)$/] } },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  transformTags: {
    a: (tagName, attribs) => {
      const href = attribs.href ?? '';
      // links that leave the site pass no ranking credit and no window.opener
      return /^(https?:)?\/\//i.test(href)
        ? { tagName, attribs: { ...attribs, rel: 'nofollow noopener noreferrer' } }
        : { tagName, attribs };
    },
    img: (tagName, attribs) => ({ tagName, attribs: { ...attribs, loading: 'lazy' } }),
    // wide code scrolls sideways: keyboard users need to be able to focus it
    pre: (tagName, attribs) => ({ tagName, attribs: { ...attribs, tabindex: '0' } }),
  },
};
// rel and loading are added by our transforms, after the attribute filter has run
SANITIZE.allowedAttributes = { ...(SANITIZE.allowedAttributes as Record<string, string[]>), a: ['href', 'title', 'id', 'rel'], img: ['src', 'alt', 'title', 'width', 'height', 'loading'], pre: ['tabindex'] };

/** Renders article Markdown to safe HTML, a table of contents and plain text, from one parse. */
export function renderMarkdown(source: string): RenderedArticle {
  const tokens = md.parse(source, {});
  const used = new Map<string, number>();
  const toc: Array<{ level: number; id: string; text: string }> = [];
  tokens.forEach((token, index) => {
    if (token.type !== 'heading_open') return;
    const text = inlineText(tokens[index + 1]);
    const base = headingSlug(text);
    const seen = used.get(base) ?? 0;
    used.set(base, seen + 1);
    const id = seen === 0 ? base : `${base}-${seen + 1}`;
    token.attrSet('id', id);
    const level = Number(token.tag.slice(1));
    if (level === 2 || level === 3) toc.push({ level, id, text });
  });
  // Markdown-made HTML is escaped by construction; only raw HTML in the source needs the sanitiser,
  // which is most of the rendering cost.
  const hasRawHtml = tokens.some((t) => t.type === 'html_block' || (t.type === 'inline' && t.children?.some((c) => c.type === 'html_inline')));
  const rendered = md.renderer.render(tokens, md.options, {});
  const html = hasRawHtml ? sanitizeHtml(rendered, SANITIZE) : rendered;
  const tocHtml =
    toc.length >= TOC_MIN_HEADINGS
      ? `<ol class="toc">${toc.map((h) => `<li class="toc-l${h.level}"><a href="#${encodeURIComponent(h.id)}">${escapeHtml(h.text)}</a></li>`).join('')}</ol>`
      : '';
  return { html, tocHtml, plainText: plainTextOf(tokens) };
}

