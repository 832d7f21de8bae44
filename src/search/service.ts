import type { ArticleRepository } from '../db/articles.js';
import type { Catalog } from '../content/catalog.js';
import type { ArticleTexts } from '../content/texts.js';
import { toListItems, type ListItem } from '../content/listing.js';
import type { SearchFilters, SearchIndex } from './engine.js';
import { normalizeText } from './normalize.js';
import { parseQuery, termVariants, type ParsedQuery } from './query.js';
import { relatedWords } from './related.js';
import { buildSnippet, highlightAll } from './snippet.js';

/** Related results are offered when the exact ones fill less than this. */
export const RELATED_THRESHOLD = 20;
export const RELATED_LIMIT = 10;

export interface SearchInput {
  q: string;
  categoryId?: number | undefined;
  tagId?: number | undefined;
  page: number;
  limit: number;
}

export interface SearchResultItem extends ListItem {
  /** Tier of the match: 0 title, 1 tags, 2 body. */
  tier?: number;
  /** Distinct query words held (related results only). */
  wordsMatched?: number;
}

export interface SearchOutcome {
  query: string;
  parsed: ParsedQuery;
  total: number;
  page: number;
  limit: number;
  pageCount: number;
  results: SearchResultItem[];
  related: SearchResultItem[];
  /** Words the related section looked for. */
  relatedWords: string[];
}

export interface SearchServiceDeps {
  index: SearchIndex;
  articles: ArticleRepository;
  /** Plain text of the articles shown, for their snippets. */
  texts: ArticleTexts;
  catalog: () => Catalog;
}

/**
 * One query of each shape the engine has a path for (single characters, phrases of each length,
 * Latin prefixes, symbols, AND, related results), for warming its code up.
 */
export const WARM_UP_QUERIES = ['的', '数据', '数据库', '配置中心', '命名空间共享', 'linux', 'node.js', 'c++', 'kube 容器', '数据库 索引', '容器网络命名空间共享验证'];

/** Search as pages and the API see it: parse, ask the index, build highlighted result items. */
export function createSearchService({ index, articles, texts: textsOf, catalog }: SearchServiceDeps) {
  function decorate(ids: number[], terms: string[][]): SearchResultItem[] {
    const items = toListItems(articles.listRows(ids), articles, catalog());
    const textById = new Map(textsOf(items.map((item) => item.id)).map((text) => [text.id, text]));
    return items.map((item) => {
      const text = textById.get(item.id);
      const body = text?.plainText || text?.summary || '';
      return { ...item, titleHtml: highlightAll(item.title, terms), snippetHtml: buildSnippet(body, terms) };
    });
  }

  const service = {
    /**
     * Runs rounds of WARM_UP_QUERIES until `rounds` or `budgetMs` is spent, so the engine's code
     * is compiled before visitors search: cold, a query's first runs took 5-30 times as long as
     * warm (at 100k articles: vue.js 374 ms, then 91, against 10-19 ms after three rounds).
     */
    warmUp({ rounds = 3, budgetMs = 5000 }: { rounds?: number; budgetMs?: number } = {}): { rounds: number; ms: number } {
      const started = Date.now();
      let done = 0;
      while (done < rounds && Date.now() - started < budgetMs) {
        for (const q of WARM_UP_QUERIES) service.search({ q, page: 1, limit: 20 });
        done++;
      }
      return { rounds: done, ms: Date.now() - started };
    },

    search(input: SearchInput): SearchOutcome {
      const currentCatalog = catalog();
      const parsed = parseQuery(input.q, { aliases: currentCatalog.searchAliases });
      const filters: SearchFilters = { categoryId: input.categoryId, tagId: input.tagId };
      const offset = (input.page - 1) * input.limit;
      const page = index.search(parsed, filters, offset, input.limit);
      const terms = parsed.include.map(termVariants);
      const hitTier = new Map(page.hits.map((hit) => [hit.id, hit.tier]));
      const results = decorate(page.hits.map((hit) => hit.id), terms).map((item) => ({ ...item, tier: hitTier.get(item.id) }));
      let related: SearchResultItem[] = [];
      let words: string[] = [];
      if (input.page === 1 && page.total < RELATED_THRESHOLD && parsed.include.length > 0) {
        words = relatedWords(parsed.include.map((term) => term.text));
        // one word equal to the only term would repeat the exact search
        if (!(words.length === 1 && parsed.include.length === 1 && normalizeText(words[0]!) === parsed.include[0]!.text)) {
          const exact = new Set(page.hits.map((hit) => hit.id));
          if (page.total > page.hits.length) {
            for (const hit of index.search(parsed, filters, 0, RELATED_THRESHOLD).hits) exact.add(hit.id);
          }
          const relatedHits = index.related(words, filters, exact, RELATED_LIMIT);
          const matched = new Map(relatedHits.map((hit) => [hit.id, hit.wordsMatched]));
          related = decorate(relatedHits.map((hit) => hit.id), words.map((word) => [normalizeText(word)])).map((item) => ({ ...item, wordsMatched: matched.get(item.id) }));
        } else {
          words = [];
        }
      }
      return {
        query: input.q,
        parsed,
        total: page.total,
        page: input.page,
        limit: input.limit,
        pageCount: Math.max(1, Math.ceil(page.total / input.limit)),
        results,
        related,
        relatedWords: words,
      };
    },
  };
  return service;
}

export type SearchService = ReturnType<typeof createSearchService>;
