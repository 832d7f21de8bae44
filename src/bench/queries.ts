import { DEFAULT_SEED, benchRecord, choose, mixSeed, mostCommonTerms, mulberry32, randomInt, recordText, sampleCjkWord, sampleLatinTerm, type CorpusOptions, type Random } from './corpus.js';
import { CJK_WORDS } from './vocabulary.js';

export type QueryClassId = 'cjk1' | 'cjk2' | 'cjk3' | 'cjk4' | 'cjk6' | 'latin' | 'symbol' | 'mixed' | 'and2' | 'common' | 'related';

export interface QueryClass {
  id: QueryClassId;
  label: string;
  /** How the queries were drawn, for the report. */
  source: string;
  queries: string[];
  /** Measured through the search service (page 1, 20 results, related section) instead of the index alone. */
  viaService: boolean;
}

export interface QueryMixOptions extends CorpusOptions {
  /** Size of the corpus the queries must come from. */
  docs: number;
  /** Queries per class. */
  samples: number;
  /** Seed of the query draws (default: the corpus seed); the corpus itself always uses `seed`. */
  querySeed?: number;
}

/** Prefixes of Latin terms of the corpus, as readers type them. */
export const LATIN_PREFIXES: readonly string[] = [
  'kube', 'net', 'doc', 'spr', 'my', 'red', 'ngi', 'pos', 'jav', 'pyth', 'gol', 'kaf', 'ela', 'lin', 'nod',
  'mon', 'had', 'prom', 'ans', 'click', 'jen', 'sys', 'ip', 'htt', 'gra', 'vu', 'rea', 'typ', 'mav', 'zoo',
];

/** Terms whose symbols must survive tokenising (in the case readers type them). */
export const SYMBOL_TERMS: readonly string[] = ['c++', 'c#', '.net', 'node.js', 'vue.js', 'asp.net', 'C++', 'C#', '.NET', 'Node.js'];

const HAN_RUN = /\p{Script=Han}+/gu;

/** k consecutive Chinese characters from the text of a random article of the corpus. */
function corpusSubstring(random: Random, k: number, options: QueryMixOptions): string {
  for (let attempt = 0; attempt < 100; attempt++) {
    const record = benchRecord(randomInt(random, 0, options.docs - 1), options);
    const runs = Array.from(recordText(record).matchAll(HAN_RUN), (m) => Array.from(m[0])).filter((run) => run.length >= k);
    if (runs.length === 0) continue;
    const run = choose(random, runs);
    const start = randomInt(random, 0, run.length - k);
    return run.slice(start, start + k).join('');
  }
  throw new Error(`no run of ${k} Chinese characters found in the corpus`);
}

/** k consecutive characters of a vocabulary word (every word equally likely: rarer terms too). */
function vocabularySubstring(random: Random, k: number): string | undefined {
  const words = CJK_WORDS.map((word) => Array.from(word)).filter((chars) => chars.length >= k);
  if (words.length === 0) return undefined;
  const chars = choose(random, words);
  const start = randomInt(random, 0, chars.length - k);
  return chars.slice(start, start + k).join('');
}

function cycle<T>(items: readonly T[], count: number, random: Random): T[] {
  const shuffled = [...items];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  return Array.from({ length: count }, (_, i) => shuffled[i % shuffled.length]!);
}

/**
 * The query mix of the search benchmark, deterministic for (seed, docs, samples). CJK terms are
 * taken half from the vocabulary (every word equally likely, so rarer terms appear) and half from
 * the text of random articles (so frequent words and cross-word substrings appear as often as in
 * the corpus); 6-character terms come from article text only.
 */
export function buildQueryMix(options: QueryMixOptions): QueryClass[] {
  const rng = (label: string) => mulberry32(mixSeed(options.querySeed ?? options.seed ?? DEFAULT_SEED, 0, `queries:${label}`));
  const n = options.samples;
  const cjk = (k: number, id: QueryClassId, label: string): QueryClass => {
    const random = rng(id);
    const queries = Array.from({ length: n }, (_, i) => (k <= 4 && i % 2 === 0 ? vocabularySubstring(random, k) : undefined) ?? corpusSubstring(random, k, options));
    return {
      id,
      label,
      source: k <= 4 ? 'half substrings of vocabulary words, half substrings of article text' : 'substrings of article text',
      queries,
      viaService: false,
    };
  };
  const mixedRandom = rng('mixed');
  const andRandom = rng('and2');
  const relatedRandom = rng('related');
  const common = mostCommonTerms(8).map((t) => t.term);
  return [
    cjk(1, 'cjk1', '1-char CJK'),
    cjk(2, 'cjk2', '2-char CJK'),
    cjk(3, 'cjk3', '3-char CJK'),
    cjk(4, 'cjk4', '4-char CJK'),
    cjk(6, 'cjk6', '6-char CJK'),
    { id: 'latin', label: 'Latin prefix', source: `prefixes such as ${LATIN_PREFIXES.slice(0, 5).join(', ')}`, queries: cycle(LATIN_PREFIXES, n, rng('latin')), viaService: false },
    { id: 'symbol', label: 'symbol terms', source: SYMBOL_TERMS.slice(0, 6).join(', '), queries: cycle(SYMBOL_TERMS, n, rng('symbol')), viaService: false },
    {
      id: 'mixed',
      label: 'Latin + CJK term',
      source: 'a frequency-weighted Latin word and CJK word run together, as in docker容器',
      queries: Array.from({ length: n }, () => `${sampleLatinTerm(mixedRandom)}${sampleCjkWord(mixedRandom)}`),
      viaService: false,
    },
    {
      id: 'and2',
      label: 'two terms (AND)',
      source: 'two frequency-weighted words: half CJK + CJK, half Latin + CJK',
      queries: Array.from({ length: n }, (_, i) => {
        const first = i % 2 === 0 ? sampleCjkWord(andRandom) : sampleLatinTerm(andRandom);
        let second = sampleCjkWord(andRandom);
        while (second === first) second = sampleCjkWord(andRandom);
        return `${first} ${second}`;
      }),
      viaService: false,
    },
    { id: 'common', label: 'most common terms', source: `the ${common.length} most frequent words: ${common.join(', ')}`, queries: cycle(common, n, rng('common')), viaService: false },
    {
      id: 'related',
      label: 'related fallback',
      source: '4–6 random vocabulary words run together (no spaces), through the search service: exact top 20 + related section + snippets',
      queries: Array.from({ length: n }, () => {
        const words = randomInt(relatedRandom, 4, 6);
        return Array.from({ length: words }, () => choose(relatedRandom, CJK_WORDS)).join('');
      }),
      viaService: true,
    },
  ];
}
