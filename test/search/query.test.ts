import { describe, expect, it } from 'vitest';
import { MAX_QUERY_LENGTH, MAX_TERMS, parseQuery } from '../../src/search/query.js';
import { normalizeText } from '../../src/search/normalize.js';
import { bucketEntries, isBucket } from '../../src/search/rows.js';
import { buildSegment, normalizeFields, NS } from '../../src/search/segment-builder.js';
import { symbolPairs, symbolToken, termPhrase } from '../../src/search/tokenize.js';

describe('parseQuery', () => {
  it('splits on white space, keeps quoted phrases and exclusions', () => {
    const q = parseQuery('容器  "docker compose" -windows c++');
    expect(q.include.map((t) => t.text)).toEqual(['容器', 'docker compose', 'c++']);
    expect(q.exclude.map((t) => t.text)).toEqual(['windows']);
  });

  it('normalises terms: NFKC, lower case, traditional to simplified', () => {
    expect(parseQuery('ＤＯＣＫＥＲ 容器網路').include.map((t) => t.text)).toEqual(['docker', '容器网络']);
  });

  it('treats FTS5 syntax as literal text', () => {
    const q = parseQuery('NEAR( title:x a OR b ^c *');
    expect(q.include.map((t) => t.text)).toEqual(['near(', 'title:x', 'a', 'or', 'b', '^c', '*']);
  });

  it('closes an unbalanced quote at the end of the input', () => {
    expect(parseQuery('"容器 网络').include.map((t) => t.text)).toEqual(['容器 网络']);
  });

  it('drops control characters, empty phrases and duplicates', () => {
    expect(parseQuery('a\u0000b "" a -').include.map((t) => t.text)).toEqual(['a', 'b']);
  });

  it('expands aliases into alternatives', () => {
    const q = parseQuery('K8S', { aliases: new Map([['k8s', 'kubernetes']]) });
    expect(q.include[0]).toEqual({ text: 'k8s', alternatives: ['kubernetes'] });
  });

  it('caps the query length and the number of terms', () => {
    const long = parseQuery('字'.repeat(10_000));
    expect(long.truncated).toBe(true);
    expect(Array.from(long.include[0]!.text)).toHaveLength(MAX_QUERY_LENGTH);
    const many = parseQuery(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '));
    expect(many.include).toHaveLength(MAX_TERMS);
    expect(many.truncated).toBe(true);
  });
});

describe('normalizeText', () => {
  it('collapses white space and trims', () => {
    expect(normalizeText('  a \n\t b\u3000c  ')).toBe('a b c');
  });
  it('converts Taiwan phrases to mainland ones', () => {
    expect(normalizeText('軟體開發與網路')).toBe('软件开发与网络');
  });
});

describe('symbol pairs', () => {
  const sym = (ch: string) => symbolToken(ch.codePointAt(0)!);
  it('turn a term of words and symbols into the phrase of its neighbouring pairs', () => {
    expect(symbolPairs(termPhrase('c++'))).toEqual({ tokens: [`c${sym('+')}`, `${sym('+')}${sym('+')}`], prefix: false });
    expect(symbolPairs(termPhrase('node.js'))).toEqual({ tokens: [`node${sym('.')}`, `${sym('.')}js`], prefix: true });
    expect(symbolPairs(termPhrase('.net'))).toEqual({ tokens: [`${sym('.')}net`], prefix: true });
  });

  it('leave alone what the pairs cannot hold: one token, spaces, Chinese', () => {
    expect(symbolPairs(termPhrase('docker'))).toBeUndefined();
    expect(symbolPairs(termPhrase('+'))).toBeUndefined();
    expect(symbolPairs(termPhrase('c + +'))).toBeUndefined();
    expect(symbolPairs(termPhrase('容器.net'))).toBeUndefined();
  });

  it('are indexed at the first token of each pair, in the pair namespaces, head and body', () => {
    const built = buildSegment([{ fields: normalizeFields({ title: 'C++ 入门', tags: [], summary: '', body: '用 node.js 写' }), categoryId: 1, tagIds: [] }]);
    const keys = built.rowKeys.flatMap((key, i) => (isBucket(built.rows[i]!) ? [...bucketEntries(built.rows[i]!)].map((e) => e.key) : [key]));
    expect(keys).toEqual(expect.arrayContaining([`${NS.headPair}c${sym('+')}`, `${NS.headPair}${sym('+')}${sym('+')}`, `${NS.bodyPair}node${sym('.')}`, `${NS.bodyPair}${sym('.')}js`]));
    // a space breaks a pair: "用 node" holds none
    expect(keys.filter((key) => key.startsWith(NS.bodyPair))).toHaveLength(2);
  });
});
