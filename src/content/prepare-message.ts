import type { ArticleSource, BodyBytes, PreparedBatch } from './prepare.js';

/**
 * A prepared batch as it crosses from a worker to the writer. Kept apart from prepare.ts, whose
 * imports (the Markdown parser, the normaliser and its dictionaries) only the workers need: the
 * importer starts its workers before it loads anything heavy itself.
 */

/** Part of a batch on its way to a worker: its articles in order, the batch's last part with `last`. */
export interface PrepareChunk {
  id: number;
  sources: ArticleSource[];
  last: boolean;
}

/**
 * A prepared batch as one message: a segment's rows and the signatures each in one transferable
 * buffer (no per-row or per-article copies).
 */
export interface PackedBatch {
  hashes: string[];
  excerpts: string[];
  /** `signatureSize` values per article; `signed[i]` 0 when article i has none (too short). */
  signatures: Uint32Array<ArrayBuffer>;
  signatureSize: number;
  signed: Uint8Array<ArrayBuffer>;
  docCount: number;
  /** Keys joined by '\n' (index tokens never hold one: control characters are spaces to them). */
  keys: string;
  lengths: Float64Array<ArrayBuffer>;
  data: Uint8Array<ArrayBuffer>;
  offsets: Int32Array<ArrayBuffer>;
  bodies?: BodyBytes;
}

/** One message of a prepared batch: rows and signatures each in one buffer. */
export function packBatch(batch: PreparedBatch): PackedBatch {
  const { segment, articles } = batch;
  const offsets = new Int32Array(segment.rows.length + 1);
  for (let i = 0; i < segment.rows.length; i++) offsets[i + 1] = offsets[i]! + segment.rows[i]!.length;
  const data = new Uint8Array(offsets[segment.rows.length]!);
  segment.rows.forEach((row, i) => data.set(row, offsets[i]!));
  // every signature has the same size (minhash.ts SIGNATURE_SIZE), taken from one so this module
  // need not load the hashing code
  const signatureSize = articles.find((article) => article.signature)?.signature?.length ?? 0;
  const signatures = new Uint32Array(articles.length * signatureSize);
  const signed = new Uint8Array(articles.length);
  articles.forEach((article, i) => {
    if (!article.signature) return;
    signatures.set(article.signature, i * signatureSize);
    signed[i] = 1;
  });
  return {
    hashes: articles.map((article) => article.hash),
    excerpts: articles.map((article) => article.excerpt),
    signatures,
    signatureSize,
    signed,
    docCount: segment.docCount,
    keys: segment.rowKeys.join('\n'),
    lengths: Float64Array.from(segment.lengths),
    data,
    offsets,
    ...(batch.bodies ? { bodies: batch.bodies } : {}),
  };
}

/** The buffers packBatch's result can hand over to another thread. */
export const transferablesOf = (packed: PackedBatch): ArrayBuffer[] => [
  packed.data.buffer,
  packed.offsets.buffer,
  packed.lengths.buffer,
  packed.signatures.buffer,
  packed.signed.buffer,
  ...(packed.bodies ? [packed.bodies.bytes.buffer, packed.bodies.ends.buffer] : []),
];

/** The prepared batch a worker packed, its rows and signatures views of the buffers it sent. */
export function unpackBatch(packed: PackedBatch): PreparedBatch {
  const rows = Array.from({ length: packed.offsets.length - 1 }, (_, i) => packed.data.subarray(packed.offsets[i]!, packed.offsets[i + 1]!));
  const rowKeys = packed.keys === '' ? [] : packed.keys.split('\n');
  const articles = packed.hashes.map((hash, i) => ({
    hash,
    excerpt: packed.excerpts[i]!,
    signature: packed.signed[i] ? packed.signatures.subarray(i * packed.signatureSize, (i + 1) * packed.signatureSize) : undefined,
  }));
  const batch: PreparedBatch = { articles, segment: { kind: 'segment', docCount: packed.docCount, rowKeys, rows, lengths: packed.lengths } };
  if (packed.bodies) batch.bodies = packed.bodies;
  return batch;
}
