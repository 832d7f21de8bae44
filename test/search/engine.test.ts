import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/open.js';
import type { DocumentText } from '../../src/search/engine.js';
import { parseQuery } from '../../src/search/query.js';
import { FULL_RANK_LIMIT, SegmentSearchIndex } from '../../src/search/segment-index.js';
import { oracleMatches, type OracleDoc } from './oracle.js';

let db: Db;
let index: SegmentSearchIndex;
let texts = new Map<number, DocumentText>();
let textLoads = 0;

beforeAll(() => {
  db = openDatabase(':memory:');
  index = new SegmentSearchIndex(db, { mergeFactor: 2, loadTexts: (ids) => (textLoads++, new Map(ids.flatMap((id) => (texts.has(id) ? [[id, texts.get(id)!]] : [])))) });
});
afterAll(() => db.close());

function load(docs: OracleDoc[]) {
  index.clear();
  texts = new Map(docs.map((d) => [d.id, d]));
  const indexed = docs.map((doc, i) => ({ ...doc, publishedTs: 1_600_000_000 + i * 3600, categoryId: 1 + (doc.id % 2), tagIds: [] }));
  // batches of 1-3 documents with housekeeping after each: many small segments get merged, as in
  // a long import, so merged and fresh segments are both under test
  for (let i = 0; i < indexed.length; ) {
    const size = 1 + (indexed[i]!.id % 3);
    index.upsertMany(indexed.slice(i, i + size));
    index.maintain();
    i += size;
  }
}

function engineIds(q: string, aliases?: Map<string, string>, filters = {}): number[] {
  return index.search(parseQuery(q, { aliases }), filters, 0, 10_000).hits.map((h) => h.id).sort((a, b) => a - b);
}

function oracleIds(docs: OracleDoc[], q: string, aliases?: Map<string, string>): number[] {
  const parsed = parseQuery(q, { aliases });
  return docs.filter((d) => oracleMatches(d, parsed)).map((d) => d.id).sort((a, b) => a - b);
}

const doc = (id: number, body: string, title = '', tags: string[] = []): OracleDoc => ({ id, title, tags, summary: '', body });

describe('search engine: fixed cases from the semantics', () => {
  const docs = [
    doc(1, '在宿主机上运行容器'),
    doc(2, '主机网络与宿主', 'Kubernetes 调度'),
    doc(3, 'C++ 模板与 C# 泛型，以及 .NET 运行时'),
    doc(4, '纯 C 语言的指针'),
    doc(5, 'node.js 与 network 编程'),
    doc(6, '使用docker构建镜像'),
    doc(7, 'c + + 不是 c++ 的写法'),
    doc(8, '容器網路與命名空間'),
    doc(9, 'mongodb 副本集', '', ['Mongo']),
    doc(10, 'aspnet 和 asp.net core'),
    doc(11, 'archlinux命令 入门'),
    doc(12, '常用linux命令行'),
  ];
  beforeAll(() => load(docs));

  const cases: Array<[string, number[]]> = [
    ['宿主', [1, 2]],
    ['宿主机', [1]],
    ['主', [1, 2]],
    ['容器', [1, 8]],
    ['kube', [2]],
    ['net', [3, 5, 10]],
    ['.net', [3, 10]],
    ['c++', [3, 7]],
    ['c#', [3]],
    ['docker', [6]],
    ['使用docker', [6]],
    ['用dock', [6]],
    ['容器网络', [8]],
    ['"c + +"', [7]],
    ['宿主 -宿主机', [2]],
    ['node.js', [5]],
    // a leading word starts a word, as any Latin term does: the index decides it alone
    ['linux命令', [12]],
    ['archlinux命令', [11]],
    ['inux命令', []],
    ['命令', [11, 12]],
  ];
  for (const [q, expected] of cases) {
    it(`${q} -> ${expected.join(',')}`, () => {
      expect(engineIds(q)).toEqual(expected);
      expect(oracleIds(docs, q)).toEqual(expected);
    });
  }

  it('answers a term that starts with a word from the index alone, reading no text', () => {
    textLoads = 0;
    expect(engineIds('linux命令 -入门')).toEqual([12]);
    expect(textLoads).toBe(0);
  });

  it('finds aliases: k8s -> Kubernetes, mongodb -> Mongo', () => {
    const aliases = new Map([['k8s', 'kubernetes'], ['mongodb', 'mongo']]);
    expect(engineIds('k8s', aliases)).toEqual([2]);
    expect(engineIds('mongodb', aliases)).toEqual([9]);
  });

  it('returns nothing for exclusions alone or an empty query', () => {
    expect(engineIds('-docker')).toEqual([]);
    expect(engineIds('')).toEqual([]);
  });

  it('filters by category inside the index', () => {
    expect(engineIds('容器', undefined, { categoryId: 1 })).toEqual([8]);
  });

  it('ranks title matches above tag matches above body matches, then by BM25 and recency', () => {
    load([doc(1, '讲 redis 的正文'), doc(2, '别的内容', '', ['Redis']), doc(3, '正文', 'Redis 入门'), doc(4, 'redis redis redis 很多次')]);
    const hits = index.search(parseQuery('redis'), {}, 0, 10).hits;
    expect(hits.map((h) => h.id)).toEqual([3, 2, 4, 1]);
    expect(hits.map((h) => h.tier)).toEqual([0, 1, 2, 2]);
  });

  it('puts an article in a tier by where it holds every term: all in the title, all in the head, or not', () => {
    load([
      doc(1, '正文里讲 redis 和 集群', '', ['集群']),
      doc(2, '只在正文：redis 集群'),
      doc(3, '正文', 'Redis 集群 入门'),
      doc(4, '正文', 'Redis 的用法', ['集群']),
      doc(5, '正文也有 redis 集群', 'Redis 一则'),
    ]);
    const hits = index.search(parseQuery('redis 集群'), {}, 0, 10).hits;
    expect(hits.find((h) => h.id === 3)?.tier).toBe(0);
    expect(hits.find((h) => h.id === 4)?.tier).toBe(1);
    expect(hits.filter((h) => h.tier === 2).map((h) => h.id).sort()).toEqual([1, 2, 5]);
    expect(hits.map((h) => h.id).slice(0, 2)).toEqual([3, 4]);
  });

  // many candidates, a few in every term's head: the heads are weighed for those alone
  it('finds the tiers of two common terms among many candidates', () => {
    const many = Array.from({ length: 3000 }, (_, i) => doc(i + 1, `容器 与 网络 第 ${i} 篇`, i % 700 === 0 ? '容器网络' : i % 500 === 0 ? '容器' : '', i % 500 === 0 ? ['网络'] : []));
    load(many);
    const page = index.search(parseQuery('容器 网络'), {}, 0, 20);
    expect(page.total).toBe(3000);
    const titled = many.filter((d) => d.title === '容器网络').map((d) => d.id);
    const tagged = many.filter((d) => d.title === '容器' && d.tags.includes('网络')).map((d) => d.id);
    expect(page.hits.filter((h) => h.tier === 0).map((h) => h.id).sort((a, b) => a - b)).toEqual(titled);
    expect(page.hits.filter((h) => h.tier === 1).map((h) => h.id).sort((a, b) => a - b)).toEqual(tagged);
    expect(page.hits.slice(0, titled.length + tagged.length).every((h) => h.tier < 2)).toBe(true);
  });

  it('ranks large match sets by tier then recency, with an exact total and stable paging', () => {
    const many = Array.from({ length: FULL_RANK_LIMIT + 50 }, (_, i) => doc(i + 1, `第 ${i} 篇 容器 文章`, i % 500 === 0 ? '容器标题' : '普通标题'));
    load(many);
    const first = index.search(parseQuery('容器'), {}, 0, 20);
    expect(first.total).toBe(many.length);
    expect(first.hits.slice(0, 5).every((h) => h.tier === 0)).toBe(true);
    const titled = many.filter((d) => d.title === '容器标题').map((d) => d.id).sort((a, b) => b - a);
    expect(first.hits.slice(0, titled.length).map((h) => h.id)).toEqual(titled);
    const untitled = many.filter((d) => d.title !== '容器标题').map((d) => d.id).sort((a, b) => b - a);
    const second = index.search(parseQuery('容器'), {}, 20, 20);
    expect([...first.hits, ...second.hits].map((h) => h.id)).toEqual([...titled, ...untitled].slice(0, 40));
  });
});

describe('search engine: related results', () => {
  it('rank by words matched, then BM25 and recency, and keep to the filters and to live documents', () => {
    index.clear();
    const docs = [
      { ...doc(1, '网络与命名空间', '容器'), categoryId: 1, tagIds: [7] },
      { ...doc(2, '网络', '容器'), categoryId: 2, tagIds: [] },
      { ...doc(3, '', '命名空间'), categoryId: 1, tagIds: [7] },
      { ...doc(4, '容器网络命名空间', '全都有'), categoryId: 1, tagIds: [7] },
      { ...doc(5, '无关的文字'), categoryId: 1, tagIds: [7] },
    ];
    texts = new Map(docs.map((d) => [d.id, d]));
    index.upsertMany(docs.map((d, i) => ({ ...d, publishedTs: 1_600_000_000 + i * 3600 })));
    index.remove(4);
    const words = ['容器', '网络', '命名空间'];
    const related = (filters: { categoryId?: number; tagId?: number }, exclude: number[] = []) =>
      index.related(words, filters, new Set(exclude), 10).map((hit) => [hit.id, hit.wordsMatched]);
    expect(related({})).toEqual([
      [1, 3],
      [2, 2],
      [3, 1],
    ]);
    expect(related({ categoryId: 1 })).toEqual([
      [1, 3],
      [3, 1],
    ]);
    expect(related({ tagId: 7 })).toEqual([
      [1, 3],
      [3, 1],
    ]);
    expect(related({}, [1])).toEqual([
      [2, 2],
      [3, 1],
    ]);
  });
});

describe('search engine: related results over many segments', async () => {
  const { bm25Scores } = await import('../../src/search/bm25.js');
  // few words, many documents: counts tie a lot, so the short list often ends inside a count
  // that some segments hold above their own cutoff and others at it
  const words = ['容器', '网络', '验证'];
  it('hold the documents with the most words, whatever segment they are in', () => {
    fc.assert(
      fc.property(
        fc.array(fc.subarray(words), { minLength: 1, maxLength: 100 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.nat(99), { maxLength: 5 }),
        (held, limit, excluded) => {
          // each document holds some of the words; load() batches them into segments that merge
          const docs = held.map((ws, i) => doc(i + 1, ws.join('，') || '无关'));
          load(docs);
          const exclude = new Set(excluded.map((i) => i + 1));
          const hits = index.related(words, {}, exclude, limit);
          const counts = docs.filter((d) => !exclude.has(d.id)).map((d) => words.filter((w) => d.body.includes(w)).length).filter((c) => c > 0).sort((a, b) => b - a);
          // most words first, and exactly as many of each count as the best `limit` documents have
          expect(hits.map((h) => h.wordsMatched)).toEqual(counts.slice(0, limit));
          for (const hit of hits) expect(hit.wordsMatched).toBe(words.filter((w) => docs[hit.id - 1]!.body.includes(w)).length);
          // and exactly the documents of the plain procedure: the `wanted` best by words then
          // recency, those not excluded, the first limit × 3 of them ranked by words, BM25, recency
          const holds = (d: OracleDoc) => words.filter((w) => d.body.includes(w)).length;
          const newestFirst = (a: OracleDoc, b: OracleDoc) => b.id - a.id;
          const wanted = limit * 3 + exclude.size;
          const shortlist = docs
            .filter((d) => holds(d) > 0)
            .sort((a, b) => holds(b) - holds(a) || newestFirst(a, b))
            .slice(0, wanted)
            .filter((d) => !exclude.has(d.id))
            .slice(0, limit * 3);
          const scores = bm25Scores(
            shortlist,
            words.map((word) => ({ word, documents: docs.filter((d) => d.body.includes(word)).length })),
            docs.length,
          );
          const expected = shortlist
            .map((d, i) => ({ d, score: scores[i]! }))
            .sort((a, b) => holds(b.d) - holds(a.d) || b.score - a.score || newestFirst(a.d, b.d))
            .slice(0, limit)
            .map(({ d }) => d.id);
          expect(hits.map((h) => h.id)).toEqual(expected);
        },
      ),
      { numRuns: 200, seed: 11 },
    );
  });
});

describe('search engine: long lists', () => {
  it('finds phrases and single tokens in lists long enough for positions chunks and skip tables, across merges', () => {
    // the summary puts 容器 at position 0, so a positions row starts with a 0 byte like a bucket does
    const many = Array.from({ length: 2100 }, (_, i) => ({
      ...doc(i + 1, `${'容器网络的验证，'.repeat(i % 3 === 0 ? 20 : 1)}第 ${i} 篇${i % 2 ? '，宿主机' : ''}`),
      summary: '容器网络',
    }));
    load(many);
    expect(index.count(parseQuery('容器网络'), {})).toBe(2100);
    expect(index.count(parseQuery('网络的验'), {})).toBe(2100);
    expect(index.count(parseQuery('宿主机'), {})).toBe(1050);
    expect(index.count(parseQuery('"验证，第"'), {})).toBe(2100);
    expect(index.count(parseQuery('容器 -宿主'), {})).toBe(1050);
    const chunks = db.prepare("SELECT count(*) AS n FROM search_postings WHERE token LIKE 'b%' AND instr(token, char(1)) > 0").get() as { n: number };
    expect(chunks.n).toBeGreaterThan(0);
    // and phrase queries above read their long lists through skip tables
    const skips = db.prepare("SELECT count(*) AS n FROM search_postings WHERE token LIKE 'b%' || char(2)").get() as { n: number };
    expect(skips.n).toBeGreaterThan(0);
    // merges read split lists back whole: no row is made of misread bytes
    const stray = db.prepare("SELECT count(*) AS n FROM search_postings WHERE substr(token, 1, 1) NOT IN ('h', 'H', 'b', 'B', 'f')").get() as { n: number };
    expect(stray.n).toBe(0);
  });

  it('ranks a common phrase in one large segment as in many small ones', () => {
    // one segment of 4,200 articles reads the phrase's lists through (the phrase kernel) and weighs
    // only the scored few; small segments count every occurrence as they match
    // node.js: a phrase whose last token is a prefix, with long and short expansions
    const latin = (i: number) => (i % 2 ? ' node.js' : '') + (i % 4 === 1 ? ' node.json' : '') + (i % 97 === 0 ? ' node.jsx' : '') + (i % 5 === 0 ? ' js' : '');
    const many = Array.from({ length: 4200 }, (_, i) => doc(i + 1, `${'容器网络的验证，'.repeat(1 + (i % 5))}第 ${i} 篇${i % 3 === 0 ? '，宿主机' : ''}${i % 7 === 0 ? '网络的验' : ''}${latin(i)}`));
    // as load() indexes them
    const indexed = many.map((d, i) => ({ ...d, publishedTs: 1_600_000_000 + i * 3600, categoryId: 1 + (d.id % 2), tagIds: [] }));
    const one = openDatabase(':memory:');
    try {
      const single = new SegmentSearchIndex(one, { loadTexts: () => new Map() });
      single.upsertMany(indexed);
      load(many);
      for (const q of ['网络的验 宿主机', '"验证，第" 宿主机', '网络的验', 'node.js', 'node.js 宿主机', 'node.jso 宿主机']) {
        const fromOne = single.search(parseQuery(q), {}, 0, 50);
        const fromMany = index.search(parseQuery(q), {}, 0, 50);
        expect(fromOne.total).toBe(fromMany.total);
        expect(fromOne.hits.map((h) => h.id)).toEqual(fromMany.hits.map((h) => h.id));
      }
      expect(single.search(parseQuery('网络的验 宿主机'), {}, 0, 1).total).toBe(1400);
      expect(single.search(parseQuery('node.js'), {}, 0, 1).total).toBe(2100 + 22);
      expect(single.search(parseQuery('node.js 宿主机'), {}, 0, 1).total).toBe(many.filter((d) => d.body.includes('宿主机') && d.body.includes('node.js')).length);
    } finally {
      one.close();
    }
  });
});

// --- property test: the engine returns exactly the oracle's set -------------------------------

const pieces = ['容', '器', '网', '络', '宿', '主', '机', '的', '網', '絡', 'a', 'b', 'c', 'k', 'n', 'e', 't', 'C', 'Ａ', '1', '2', '+', '#', '.', '-', '_', ' ', ' ', '，', 'é'];
const textArb = fc.array(fc.constantFrom(...pieces), { maxLength: 30 }).map((chars) => chars.join(''));
const docArb = fc.record({ title: textArb, tags: fc.array(textArb, { maxLength: 2 }), summary: textArb, body: textArb });

function termFrom(texts: string[]): fc.Arbitrary<string> {
  const source = texts.join(' ') || 'a';
  return fc
    .tuple(fc.nat(source.length), fc.integer({ min: 1, max: 6 }), fc.constantFrom('', '', '', '-', '"'))
    .map(([start, len, mode]) => {
      const raw = source.slice(Math.min(start, source.length - 1), start + len);
      if (mode === '"') return `"${raw}"`;
      const word = raw.trim().split(/\s+/)[0] ?? '';
      return word ? `${mode}${word}` : 'c';
    });
}

describe('search engine: property test against the oracle', () => {
  it('returns exactly the oracle set for generated corpora and queries', () => {
    fc.assert(
      fc.property(
        fc.array(docArb, { minLength: 1, maxLength: 12 }).chain((docs) =>
          fc.tuple(
            fc.constant(docs),
            fc.array(
              fc.oneof(
                fc.array(termFrom(docs.flatMap((d) => [d.title, ...d.tags, d.summary, d.body])), { minLength: 1, maxLength: 3 }).map((t) => t.join(' ')),
                textArb,
              ),
              { minLength: 1, maxLength: 6 },
            ),
          ),
        ),
        ([rawDocs, queries]) => {
          const docs = rawDocs.map((d, i) => ({ id: i + 1, ...d }));
          load(docs);
          for (const q of queries) expect(engineIds(q), `query ${JSON.stringify(q)}`).toEqual(oracleIds(docs, q));
        },
      ),
      { numRuns: 600, seed: 20261125 },
    );
  });
});

describe('search engine: long CJK phrases matched from a cover of their bigrams', () => {
  // three characters repeat so much that most long phrases nearly occur: a skipped bigram that
  // mattered would show as a wrong match
  const cjkArb = fc.array(fc.constantFrom('数', '据', '库', '数', '据'), { minLength: 1, maxLength: 40 }).map((chars) => chars.join(''));
  it('finds exactly the oracle set for phrases of 4 to 9 characters', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ title: cjkArb, tags: fc.array(cjkArb, { maxLength: 2 }), summary: fc.constant(''), body: cjkArb }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.array(fc.constantFrom('数', '据', '库'), { minLength: 4, maxLength: 9 }).map((chars) => chars.join('')), { minLength: 1, maxLength: 5 }),
        (rawDocs, queries) => {
          const docs = rawDocs.map((d, i) => ({ id: i + 1, ...d }));
          load(docs);
          for (const q of queries) expect(engineIds(q), `query ${q}`).toEqual(oracleIds(docs, q));
        },
      ),
      { numRuns: 300, seed: 20261201 },
    );
  });

  it('spells every character with about every other bigram', async () => {
    const { bigramCover } = await import('../../src/search/segment-terms.js');
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 3, maxLength: 12 }), (sizes) => {
        const kept = bigramCover(sizes);
        expect([...kept].sort((a, b) => a - b)).toEqual([...new Set(kept)]);
        // bigram t spells characters t and t+1 of the phrase's sizes.length + 1
        for (let c = 0; c <= sizes.length; c++) expect(kept.some((t) => t === c || t === c - 1), `character ${c} of ${kept}`).toBe(true);
        expect(kept.length).toBeLessThanOrEqual(Math.ceil((sizes.length + 1) / 2) + 1);
      }),
      { numRuns: 500, seed: 7 },
    );
    // a rare bigram is kept: it bounds the candidates
    expect(bigramCover([900, 5, 900, 900, 900])).toContain(1);
    // near-equal sizes: every other one from the first, not four of five around the rarest
    expect(bigramCover([459, 261, 337, 259, 259])).toEqual([0, 2, 4]);
  });
});

describe('bm25Scores (related results)', () => {
  const d = (title: string, body: string) => ({ title, tags: [], summary: '', body });
  it('rewards repeated words, title hits and rare words, and is 0 without a hit', async () => {
    const { bm25Scores } = await import('../../src/search/bm25.js');
    const words = [{ word: '容器', documents: 900 }, { word: '验证', documents: 10 }];
    const [once, twice, titled, rare, none] = bm25Scores([d('', '容器 正文'), d('', '容器 容器 正文'), d('容器', '正文 正文'), d('', '验证 正文'), d('', '无关 正文')], words, 1000);
    expect(twice!).toBeGreaterThan(once!);
    expect(titled!).toBeGreaterThan(twice!);
    expect(rare!).toBeGreaterThan(once!);
    expect(none).toBe(0);
  });
});
