import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentHash, type ArticleSource } from '../../src/content/prepare.js';

const source: ArticleSource = {
  title: '容器网络',
  summary: '摘要',
  body: '## 小节\n\n正文',
  tagNames: ['Docker'],
  categoryId: 3,
  tagIds: [9, 2],
  author: '作者',
  type: 'repost',
  sourceUrl: 'https://example.com/a',
  publishedAt: '2023-05-10T02:00:00.000Z',
  views: 7,
};

describe('content hash', () => {
  it('stays the SHA-256 of the stored fields that databases already hold, so a re-import finds them unchanged', () => {
    const material = JSON.stringify(['容器网络', '作者', 'repost', 'https://example.com/a', '2023-05-10T02:00:00.000Z', 3, [2, 9], 7, '摘要', '## 小节\n\n正文']);
    expect(contentHash(source)).toBe(createHash('sha256').update(material).digest('hex'));
    // tag order does not matter; every stored field does
    expect(contentHash({ ...source, tagIds: [2, 9] })).toBe(contentHash(source));
    expect(contentHash({ ...source, views: 8 })).not.toBe(contentHash(source));
  });
});
