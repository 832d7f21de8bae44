import type { DocumentText } from './engine.js';
import { occurrences } from './match.js';
import { normalizeText } from './normalize.js';
import { WEIGHTS } from './segment-builder.js';

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

/** Okapi BM25's inverse document frequency. */
export function idf(documents: number, totalDocuments: number): number {
  return Math.log(1 + (totalDocuments - documents + 0.5) / (documents + 0.5));
}

/** One term's BM25 contribution from its weighted frequency and the document's weighted length. */
export function bm25Term(termIdf: number, weightedFrequency: number, length: number, averageLength: number): number {
  if (weightedFrequency <= 0) return 0;
  return (termIdf * weightedFrequency * (BM25_K1 + 1)) / (weightedFrequency + BM25_K1 * (1 - BM25_B + (BM25_B * length) / Math.max(1, averageLength)));
}

/**
 * BM25 of each document for the given words computed from the documents' text, with the index's
 * title/tags/body weights (a field's weight multiplies its term frequency and length). Used where
 * only a short list needs scores. Higher is better.
 */
export function bm25Scores(docs: Array<DocumentText | undefined>, words: Array<{ word: string; documents: number }>, totalDocuments: number): number[] {
  const prepared = docs.map((doc) => {
    if (!doc) return undefined;
    const fields = [
      { text: normalizeText(doc.title), weight: WEIGHTS.title },
      { text: normalizeText(doc.tags.join(' ')), weight: WEIGHTS.tags },
      { text: normalizeText(`${doc.summary} ${doc.body}`), weight: WEIGHTS.body },
    ];
    return { fields, length: fields.reduce((sum, f) => sum + f.weight * f.text.length, 0) };
  });
  const present = prepared.filter((p) => p !== undefined);
  const averageLength = present.reduce((sum, p) => sum + p.length, 0) / Math.max(1, present.length);
  return prepared.map((doc) => {
    if (!doc) return 0;
    let score = 0;
    for (const { word, documents } of words) {
      const tf = doc.fields.reduce((sum, f) => sum + f.weight * occurrences(word, f.text).length, 0);
      score += bm25Term(idf(documents, totalDocuments), tf, doc.length, averageLength);
    }
    return score;
  });
}
