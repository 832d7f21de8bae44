import { describe, expect, it } from 'vitest';
import { buildSegment, normalizeFields, SegmentBuilder } from '../../src/search/segment-builder.js';

const docs = ['容器网络的配置', 'node.js 与 c++ 的对比', 'Kubernetes 集群里的容器'].map((body, i) => ({
  fields: normalizeFields({ title: `标题${i}`, tags: ['Docker'], summary: '', body }),
  categoryId: 1 + i,
  tagIds: [i],
}));

describe('SegmentBuilder', () => {
  it('builds, a document at a time, exactly the segment of the whole batch', () => {
    const whole = buildSegment(docs);
    const builder = new SegmentBuilder();
    for (const doc of docs) builder.add(doc);
    const incremental = builder.finish();
    expect(incremental.docCount).toBe(3);
    expect(incremental.rowKeys).toEqual(whole.rowKeys);
    expect(incremental.rows.map((row) => [...row])).toEqual(whole.rows.map((row) => [...row]));
    expect([...incremental.lengths]).toEqual([...whole.lengths]);
  });

  it('keeps every document length when the batch outgrows its first arrays', () => {
    const few = buildSegment(docs);
    const many = buildSegment(Array.from({ length: 2100 }, (_, i) => docs[i % 3]!));
    expect(many.lengths).toHaveLength(2100);
    for (let i = 0; i < 2100; i++) expect(many.lengths[i]).toBe(few.lengths[i % 3]);
    expect(few.lengths[0]).toBeGreaterThan(0);
  });

  it('lets a new builder supersede an unfinished one, which then refuses further use (they share tables)', () => {
    const abandoned = new SegmentBuilder();
    abandoned.add(docs[0]!);
    const next = new SegmentBuilder();
    expect(() => abandoned.add(docs[1]!)).toThrow(/superseded/);
    expect(() => abandoned.finish()).toThrow(/superseded/);
    for (const doc of docs) next.add(doc);
    const built = next.finish();
    expect(built.rowKeys).toEqual(buildSegment(docs).rowKeys);
    expect(() => next.add(docs[0]!)).toThrow(/finished or superseded/);
  });
});
