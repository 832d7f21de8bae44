import { renderMarkdown } from './render-markdown.js';

/** Articles whose rendered HTML is kept in memory (a few KB each). */
export const RENDERED_CACHE_ENTRIES = 2000;

export interface RenderedBody {
  html: string;
  tocHtml: string;
}

/**
 * Article bodies are stored as Markdown and rendered when a page is viewed. This keeps the most
 * recently viewed renderings. An entry is reused only while the article's content hash is the one
 * it was rendered from, so a re-imported article is rendered afresh, never shown stale; one entry
 * per article, so the old rendering is replaced rather than left to age out.
 */
export function createRenderedCache(options: { entries: number }) {
  const entries = new Map<number, RenderedBody & { contentHash: string }>();

  return {
    /** The sanitised body HTML and table of contents of an article, from its Markdown. */
    render(articleId: number, contentHash: string, bodyMd: string): RenderedBody {
      const cached = entries.get(articleId);
      if (cached) {
        entries.delete(articleId);
        if (cached.contentHash === contentHash) {
          // re-inserted: Map order is recency order, oldest first
          entries.set(articleId, cached);
          return { html: cached.html, tocHtml: cached.tocHtml };
        }
      }
      const { html, tocHtml } = renderMarkdown(bodyMd);
      if (options.entries > 0) {
        entries.set(articleId, { contentHash, html, tocHtml });
        for (const oldest of entries.keys()) {
          if (entries.size <= options.entries) break;
          entries.delete(oldest);
        }
      }
      return { html, tocHtml };
    },
    /** Renderings held (for tests and diagnostics). */
    get size() {
      return entries.size;
    },
  };
}

export type RenderedCache = ReturnType<typeof createRenderedCache>;
