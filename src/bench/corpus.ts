import type { RawRecord } from '../content/records.js';
import { seededRandom } from '../site/random.js';
import {
  AUTHORS,
  CJK_WORDS,
  CLAUSE_OPENERS,
  FUNCTION_WORDS,
  HEADING_SUFFIXES,
  LATIN_TERMS,
  MEASURE_WORDS,
  SHELL_LINES,
  TITLE_SUFFIXES,
} from './vocabulary.js';

/**
 * The synthetic benchmark corpus: Chinese technical prose with Latin terms, deterministic for a
 * seed. Record i depends only on (seed, i), so any record can be regenerated on its own and the
 * whole corpus is produced lazily, never held in memory.
 */

/** Bump whenever the output for a given seed changes: cached benchmark databases are rebuilt. */
export const GENERATOR_VERSION = 1;
export const DEFAULT_SEED = 20_261_125;

/** Zipf exponents: content words and Latin terms. */
const CJK_ZIPF = 1.05;
const LATIN_ZIPF = 1.1;
/** Share of content words that are Latin terms. */
const LATIN_SHARE = 0.14;
/** Share of content words drawn from the article's own topic words (a per-article bias). */
const TOPIC_SHARE = 0.25;
const TOPIC_WORDS = 8;
/** Body size target in UTF-8 bytes, drawn uniformly; whole sections overshoot it, so bodies average ≈ 2.2 KB. */
const BODY_BYTES_MIN = 1300;
const BODY_BYTES_MAX = 2500;
const TITLE_MIN_CHARS = 10;
const TITLE_MAX_CHARS = 25;
const FIRST_PUBLISHED = Date.UTC(2015, 0, 1) - 8 * 3_600_000;
const LAST_PUBLISHED = Date.UTC(2026, 0, 1) - 8 * 3_600_000 - 60_000;

/** What the generator needs of the taxonomy: category slugs and their tag names. */
export interface BenchTaxonomy {
  categories: Array<{ slug: string; tags: string[] }>;
}

export type Random = () => number;

/** The site's seeded generator (mulberry32): small, fast, good enough for synthetic text. */
export const mulberry32: (seed: number) => Random = seededRandom;

/** Mixes a seed with a number and a label into a new 32-bit seed (FNV-1a over both). */
export function mixSeed(seed: number, n: number, label = ''): number {
  let hash = (2166136261 ^ seed) >>> 0;
  hash = Math.imul(hash ^ (n & 0xffff), 16777619);
  hash = Math.imul(hash ^ (n >>> 16), 16777619);
  for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 16777619);
  // a final avalanche so neighbouring n give unrelated streams
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash >>> 0;
}

export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function choose<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new RangeError('choose from an empty list');
  return item;
}

/** Draws items with probability proportional to 1 / rank^exponent. */
export class ZipfSampler<T> {
  readonly items: readonly T[];
  readonly #cumulative: Float64Array;
  readonly #total: number;

  constructor(items: readonly T[], exponent: number) {
    if (items.length === 0) throw new RangeError('ZipfSampler needs items');
    this.items = items;
    this.#cumulative = new Float64Array(items.length);
    let sum = 0;
    for (let i = 0; i < items.length; i++) {
      sum += 1 / Math.pow(i + 1, exponent);
      this.#cumulative[i] = sum;
    }
    this.#total = sum;
  }

  /** Probability of the item at `rank` (0-based). */
  probability(rank: number): number {
    const upto = this.#cumulative[rank] ?? 0;
    const before = rank > 0 ? (this.#cumulative[rank - 1] ?? 0) : 0;
    return (upto - before) / this.#total;
  }

  sample(random: Random): T {
    const target = random() * this.#total;
    let lo = 0;
    let hi = this.items.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#cumulative[mid] ?? Infinity) < target) lo = mid + 1;
      else hi = mid;
    }
    return this.items[lo]!;
  }
}

const cjkSampler = new ZipfSampler(CJK_WORDS, CJK_ZIPF);
const latinSampler = new ZipfSampler(LATIN_TERMS, LATIN_ZIPF);

/** A CJK word with the corpus's own frequencies. */
export function sampleCjkWord(random: Random): string {
  return cjkSampler.sample(random);
}

/** A Latin term with the corpus's own frequencies, as typed (lower case). */
export function sampleLatinTerm(random: Random): string {
  return latinSampler.sample(random).toLowerCase();
}

/** A content term with its probability per content-word draw (topic bias ignored). */
export interface TermFrequency {
  term: string;
  probability: number;
}

/** The most frequent content terms (CJK words and Latin terms together), most frequent first. */
export function mostCommonTerms(count: number): TermFrequency[] {
  const all: TermFrequency[] = [
    ...CJK_WORDS.map((term, rank) => ({ term, probability: (1 - LATIN_SHARE) * cjkSampler.probability(rank) })),
    ...LATIN_TERMS.map((term, rank) => ({ term: term.toLowerCase(), probability: LATIN_SHARE * latinSampler.probability(rank) })),
  ];
  return all.sort((a, b) => b.probability - a.probability).slice(0, count);
}

/** Writes one article's text, with its own random stream and topic words. */
class ArticleWriter {
  readonly #random: Random;
  readonly #topic: string[];
  readonly #tagTerms: string[];

  constructor(random: Random, tagNames: string[]) {
    this.#random = random;
    this.#topic = Array.from({ length: TOPIC_WORDS }, () => choose(random, CJK_WORDS));
    this.#tagTerms = tagNames;
  }

  #chance(p: number): boolean {
    return this.#random() < p;
  }

  cjkWord(): string {
    return this.#chance(TOPIC_SHARE) ? choose(this.#random, this.#topic) : cjkSampler.sample(this.#random);
  }

  latinTerm(): string {
    // an article mentions its own tags more often than the corpus at large
    if (this.#tagTerms.length > 0 && this.#chance(0.3)) return choose(this.#random, this.#tagTerms);
    return latinSampler.sample(this.#random);
  }

  /** A content word; Latin terms get spaces or inline-code marks around them, as writers do. */
  contentWord(): string {
    if (!this.#chance(LATIN_SHARE)) return this.cjkWord();
    const term = this.latinTerm();
    const roll = this.#random();
    if (roll < 0.08) return ` \`${term.toLowerCase()}\` `;
    if (roll < 0.7) return ` ${term} `;
    return term;
  }

  clause(): string {
    let text = this.#chance(0.3) ? choose(this.#random, CLAUSE_OPENERS) : '';
    const chunks = randomInt(this.#random, 2, 5);
    for (let i = 0; i < chunks; i++) {
      if (this.#chance(0.04)) {
        text += `${randomInt(this.#random, 2, 512)} ${choose(this.#random, MEASURE_WORDS)}`;
      }
      if (this.#chance(0.06)) {
        // a short enumeration: A、B 和 C
        text += `${this.contentWord()}、${this.contentWord()}和${this.contentWord()}`;
      } else {
        text += this.contentWord();
      }
      if (this.#chance(0.55)) text += choose(this.#random, FUNCTION_WORDS);
    }
    return text;
  }

  sentence(): string {
    const clauses = randomInt(this.#random, 1, 3);
    const parts: string[] = [];
    for (let i = 0; i < clauses; i++) parts.push(this.clause());
    const roll = this.#random();
    const end = roll < 0.9 ? '。' : roll < 0.95 ? '？' : '！';
    let text = parts.join(this.#chance(0.85) ? '，' : '；') + end;
    if (this.#chance(0.05)) text = `（${this.cjkWord()}${this.cjkWord()}）${text}`;
    if (this.#chance(0.05)) text = `“${this.cjkWord()}”${text}`;
    return text.replace(/ {2,}/g, ' ').replace(/ ([，。；？！、（）“”])/g, '$1').replace(/([，。；？！、（）“”]) /g, '$1').trim();
  }

  paragraph(): string {
    const sentences = randomInt(this.#random, 2, 5);
    let text = '';
    for (let i = 0; i < sentences; i++) text += this.sentence();
    return text;
  }

  heading(): string {
    const words = randomInt(this.#random, 1, 2);
    let text = '';
    for (let i = 0; i < words; i++) text += this.cjkWord();
    if (this.#chance(0.3)) text = `${this.latinTerm()} ${text}`;
    if (this.#chance(0.3)) text += '的';
    return text + choose(this.#random, HEADING_SUFFIXES);
  }

  codeBlock(): string {
    const lines = randomInt(this.#random, 2, 5);
    const out: string[] = [];
    for (let i = 0; i < lines; i++) out.push(choose(this.#random, SHELL_LINES));
    return '```bash\n' + out.join('\n') + '\n```';
  }

  body(): string {
    const target = randomInt(this.#random, BODY_BYTES_MIN, BODY_BYTES_MAX);
    const blocks: string[] = [this.paragraph()];
    let bytes = Buffer.byteLength(blocks[0]!, 'utf8');
    let codeLeft = this.#chance(0.15) ? 1 : 0;
    while (bytes < target) {
      const section: string[] = [`## ${this.heading()}`];
      const paragraphs = randomInt(this.#random, 1, 2);
      for (let i = 0; i < paragraphs; i++) section.push(this.paragraph());
      if (codeLeft > 0 && this.#chance(0.5)) {
        section.splice(2, 0, this.codeBlock());
        codeLeft--;
      }
      const text = section.join('\n\n');
      blocks.push(text);
      bytes += Buffer.byteLength(text, 'utf8') + 2;
    }
    return blocks.join('\n\n') + '\n';
  }

  title(): string {
    for (let attempt = 0; attempt < 12; attempt++) {
      const latin = this.#chance(0.6) ? this.latinTerm() : '';
      const w1 = this.cjkWord();
      const w2 = this.cjkWord();
      const suffix = choose(this.#random, TITLE_SUFFIXES);
      let title: string;
      switch (randomInt(this.#random, 0, 5)) {
        case 0:
          title = `${latin ? `${latin} ` : ''}${w1}${w2}${suffix}`;
          break;
        case 1:
          title = `如何在${latin || w1}中${['实现', '配置', '优化', '排查'][randomInt(this.#random, 0, 3)]}${w2}`;
          break;
        case 2:
          title = `${w1}${w2}的${this.cjkWord()}${suffix}`;
          break;
        case 3:
          title = `${latin || w1}中${w2}的${['问题', '坑', '原理', '实现'][randomInt(this.#random, 0, 3)]}`;
          break;
        case 4:
          title = `深入理解${latin ? `${latin} ` : ''}${w1}${w2}`;
          break;
        default:
          title = `${w1}与${w2}：${this.cjkWord()}${suffix}`;
      }
      const length = Array.from(title).length;
      if (length > TITLE_MAX_CHARS) continue;
      while (Array.from(title).length < TITLE_MIN_CHARS) title += choose(this.#random, TITLE_SUFFIXES);
      if (Array.from(title).length <= TITLE_MAX_CHARS) return title;
    }
    return `${this.cjkWord()}${this.cjkWord()}${choose(this.#random, TITLE_SUFFIXES)}实践指南`.slice(0, TITLE_MAX_CHARS);
  }

  summary(): string {
    const text = this.sentence();
    return Array.from(text).slice(0, 120).join('');
  }
}

export interface CorpusOptions {
  seed?: number;
  taxonomy: BenchTaxonomy;
}

/** The import record of article `index` (0-based) of the corpus. */
export function benchRecord(index: number, options: CorpusOptions): RawRecord {
  const seed = options.seed ?? DEFAULT_SEED;
  const random = mulberry32(mixSeed(seed, index, 'article'));
  const categories = options.taxonomy.categories;
  const category = choose(random, categories);
  const tagCount = Math.min(category.tags.length, randomInt(random, 1, 3));
  const tags: string[] = [];
  while (tags.length < tagCount) {
    const tag = choose(random, category.tags);
    if (!tags.includes(tag)) tags.push(tag);
  }
  // now and then a tag from another category, as real articles have
  if (random() < 0.15) {
    const other = choose(random, categories);
    const tag = other.tags.length > 0 ? choose(random, other.tags) : undefined;
    if (tag !== undefined && !tags.includes(tag) && tags.length < 3) tags.push(tag);
  }
  const writer = new ArticleWriter(random, tags);
  const title = writer.title();
  const publishedMs = FIRST_PUBLISHED + Math.floor(random() * (LAST_PUBLISHED - FIRST_PUBLISHED));
  const author = choose(random, AUTHORS);
  const views = Math.floor(Math.exp(random() * 11)) - 1;
  const summary = random() < 0.5 ? writer.summary() : '';
  const body = writer.body();
  return {
    where: `bench#${index}`,
    value: {
      title,
      published_at: new Date(Math.floor(publishedMs / 1000) * 1000).toISOString(),
      source_url: `https://bench.example/${index}`,
      author,
      category: category.slug,
      tags,
      type: 'repost',
      views,
      summary,
      body,
    },
  };
}

/** The first `count` records of the corpus, one at a time. */
export function* benchRecords(count: number, options: CorpusOptions): Generator<RawRecord, void, undefined> {
  for (let index = 0; index < count; index++) yield benchRecord(index, options);
}

/** The text fields of a generated record (for sampling query terms that occur in the corpus). */
export function recordText(record: RawRecord): string {
  const value = record.value as { title?: unknown; summary?: unknown; body?: unknown };
  return [value.title, value.summary, value.body].filter((v): v is string => typeof v === 'string').join('\n');
}
