import { describe, expect, it } from 'vitest';
import { SIGNATURE_SIZE } from '../../src/content/minhash.js';
import { packBatch, unpackBatch } from '../../src/content/prepare-message.js';
import { prepareBatch, type ArticleSource } from '../../src/content/prepare.js';

const source = (title: string, body: string): ArticleSource => ({
  title,
  summary: '',
  body,
  tagNames: ['Docker'],
  categoryId: 1,
  tagIds: [1],
  author: '',
  type: 'repost',
  sourceUrl: `https://example.com/${title}`,
  publishedAt: '2024-01-01T00:00:00.000Z',
  views: 0,
});

describe('prepared batch messages', () => {
  it('arrive as they were sent: rows, keys, lengths, hashes, excerpts, signatures and their absence', () => {
    const long = '容器网络命名空间与路由表的验证，'.repeat(30);
    const batch = prepareBatch([source('a', long), source('b', '短'), source('c', `${long}另一篇`)]);
    expect(batch.articles.map((a) => a.signature?.length)).toEqual([SIGNATURE_SIZE, undefined, SIGNATURE_SIZE]);
    // through a real structured clone, as postMessage sends it
    const received = unpackBatch(structuredClone(packBatch(batch)));
    expect(received.articles.map((a) => [a.hash, a.excerpt, a.signature && [...a.signature]])).toEqual(
      batch.articles.map((a) => [a.hash, a.excerpt, a.signature && [...a.signature]]),
    );
    expect(received.segment.rowKeys).toEqual(batch.segment.rowKeys);
    expect(received.segment.rows.map((row) => [...row])).toEqual(batch.segment.rows.map((row) => [...row]));
    expect([...received.segment.lengths]).toEqual([...batch.segment.lengths]);
  });

  it('carry the bodies as UTF-8 bytes when the batch was prepared with them, and none otherwise', () => {
    const bodies = ['容器网络', '', 'café 😀'];
    const batch = prepareBatch(bodies.map((body, i) => source(String(i), body)), { keepBodies: true });
    const received = unpackBatch(structuredClone(packBatch(batch)));
    expect([...received.bodies!.ends]).toEqual([12, 12, 22]);
    expect(Buffer.from(received.bodies!.bytes).toString('utf8')).toBe(bodies.join(''));
    expect(unpackBatch(structuredClone(packBatch(prepareBatch([source('a', '正文')])))).bodies).toBeUndefined();
  });

  it('carry a batch in which no article is long enough for a signature', () => {
    const batch = prepareBatch([source('a', '短'), source('b', '也短')]);
    const received = unpackBatch(structuredClone(packBatch(batch)));
    expect(received.articles.map((a) => a.signature)).toEqual([undefined, undefined]);
    expect(received.segment.docCount).toBe(2);
  });
});
