import type { ArticleRepository } from '../db/articles.js';
import type { Catalog, Category } from '../content/catalog.js';
import { articleUrl } from '../content/listing.js';
import { formatDate } from '../content/time.js';
import type { LinuxCommand } from '../content/linux-command.js';
import { tagColours } from './colors.js';
import type { Poem } from './poems.js';
import { pick, seedFor, seededRandom, windowOf } from './random.js';

export const HOT_TAG_COUNT = 36;
export const PICK_COUNT = 8;

export interface HotTag {
  slug: string;
  name: string;
  count: number;
  /** Index into the accessible palette: rendered as class tcN. */
  colour: number;
  /** 1 (least used) .. 4 (most used), for the font size. */
  weight: number;
}

export interface ArticleLink {
  url: string;
  title: string;
  date: string;
}

export interface MonthLink {
  url: string;
  label: string;
  count: number;
}

export interface CommandTip {
  name: string;
  usage: string;
  description: string;
  url: string | undefined;
}

/** Everything the layout shows around a page's own content. */
export interface PageChrome {
  categories: Category[];
  hotTags: HotTag[];
  tip: CommandTip | undefined;
  poem: Poem | undefined;
  recommended: ArticleLink[];
  randomPicks: ArticleLink[];
  months: MonthLink[];
  /** The rotation window: pages rendered in the same window are identical. */
  window: number;
  windowEndsAt: number;
}

export interface WidgetDeps {
  articles: ArticleRepository;
  catalog: () => Catalog;
  commands: () => LinuxCommand[];
  poems: Poem[];
  windowMinutes: number;
  changes: () => string;
  now?: () => number;
}

/**
 * Page-wide widgets, computed once per rotation window and content change, not per request:
 * the rotating picks are seeded by the window number so a page's bytes (and ETag) stay stable.
 */
export function createSiteWidgets(deps: WidgetDeps) {
  const now = deps.now ?? Date.now;
  let cached: { key: string; chrome: PageChrome } | undefined;
  const recommendedCache = new Map<string, ArticleLink[]>();

  function links(ids: number[]): ArticleLink[] {
    return deps.articles.listRows(ids).map((row) => ({ url: articleUrl(row.id), title: row.title, date: formatDate(row.published_at) }));
  }

  function randomIds(random: () => number, count: number, categoryId?: number, exclude?: number): number[] {
    const ids = new Set<number>();
    for (let attempt = 0; attempt < count * 3 && ids.size < count; attempt++) {
      const id = deps.articles.randomId(random, categoryId);
      if (id !== undefined && id !== exclude) ids.add(id);
    }
    return [...ids];
  }

  function build(window: number): PageChrome {
    const catalog = deps.catalog();
    const counts = new Map(deps.articles.tagCounts().map((row) => [row.tag_id, row.n]));
    const ranked = [...counts.entries()].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).slice(0, HOT_TAG_COUNT);
    const max = ranked[0]?.[1] ?? 1;
    const colours = tagColours(ranked.length, seededRandom(seedFor(window, 'tag-colours')));
    const hotTags = ranked.flatMap(([tagId, count], i) => {
      const tag = catalog.tagById.get(tagId);
      return tag ? [{ slug: tag.slug, name: tag.name, count, colour: colours[i]!, weight: 1 + Math.min(3, Math.floor((Math.log(count) / Math.log(max + 1)) * 4)) }] : [];
    });
    // shuffle the cloud per window, so no position implies rank
    const shuffled = pick(hotTags, hotTags.length, seededRandom(seedFor(window, 'tag-order')));

    const commands = deps.commands();
    const command = commands.length > 0 ? commands[Math.floor(seededRandom(seedFor(window, 'tip'))() * commands.length)] : undefined;
    const tipArticle = command ? deps.articles.byExternalKey(command.sourceUrl) : undefined;
    const poem = deps.poems[Math.floor(seededRandom(seedFor(window, 'poem'))() * deps.poems.length)];

    return {
      categories: catalog.categories,
      hotTags: shuffled,
      tip: command && {
        name: command.name,
        usage: command.usage || command.name,
        description: command.description,
        url: tipArticle && tipArticle.status === 'published' ? articleUrl(tipArticle.id) : undefined,
      },
      poem,
      recommended: links(randomIds(seededRandom(seedFor(window, 'recommended')), PICK_COUNT)),
      randomPicks: links(randomIds(seededRandom(seedFor(window, 'random')), PICK_COUNT)),
      months: deps.articles.months().map((row) => {
        const [year, month] = row.month.split('-');
        return { url: `/archive/${year}/${month}`, label: `${year}年${Number(month)}月`, count: row.n };
      }),
      window,
      windowEndsAt: (window + 1) * deps.windowMinutes * 60_000,
    };
  }

  return {
    /** The current rotation window number. */
    window: () => windowOf(now(), deps.windowMinutes),
    chrome(): PageChrome {
      const window = windowOf(now(), deps.windowMinutes);
      const key = `${window}|${deps.changes()}`;
      if (cached?.key !== key) {
        cached = { key, chrome: build(window) };
        recommendedCache.clear();
      }
      return cached.chrome;
    },
    /** Recommended reading from one category for an article page (推荐内容). */
    recommendedFor(categoryId: number, excludeId: number): ArticleLink[] {
      const window = this.chrome().window;
      const key = `${categoryId}|${excludeId}`;
      let found = recommendedCache.get(key);
      if (!found) {
        found = links(randomIds(seededRandom(seedFor(window, `rec-${categoryId}-${excludeId}`)), PICK_COUNT, categoryId, excludeId));
        if (recommendedCache.size > 5000) recommendedCache.clear();
        recommendedCache.set(key, found);
      }
      return found;
    },
  };
}

export type SiteWidgets = ReturnType<typeof createSiteWidgets>;
