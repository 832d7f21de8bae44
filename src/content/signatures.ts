import type { ArticleRepository } from '../db/articles.js';
import { bandKeys, signatureFromBuffer, signatureToBuffer } from './minhash.js';

/**
 * Stores an article's near-duplicate signature and band keys in place of any it had. Bands are
 * found by key only (no index by article), so the old ones are deleted by the keys of the old
 * signature; `mayExist` false skips that lookup for an article written just now.
 */
export function replaceSignature(articles: ArticleRepository, id: number, signature: Uint32Array | undefined, mayExist: boolean): void {
  const previous = mayExist ? articles.signatureOf(id) : undefined;
  articles.setSignature(id, signature && signatureToBuffer(signature), signature ? bandKeys(signature) : [], previous ? bandKeys(signatureFromBuffer(previous)) : []);
}
