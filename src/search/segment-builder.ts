import { CharClass, classOf } from './chars.js';
import { normalizeText } from './normalize.js';
import { ListWriter } from './postings.js';
import { RowWriter } from './rows.js';
import { SPACE_TOKEN, symbolToken } from './tokenize.js';

/**
 * Turns a batch of documents into one index segment: for every token, its posting list over the
 * batch, with documents numbered 0..n-1. Pure, so it can run wherever the batch is prepared.
 *
 * Keys are a namespace character followed by the token:
 *   h  head (title, then each tag), positional: title positions start at 0, tag k's at
 *      TAG_BASE + k * TAG_STRIDE, so no phrase spans two fields and a position says title or tags;
 *   H  head CJK characters, positional (single-character terms, with the same positions);
 *   b  body (summary, then body), positional, the two fields a position apart;
 *   B  body CJK characters, counted (frequency only: a single character needs no phrase check);
 *   f  facets, counted: fc<category id>, ft<tag id>;
 *   p  head symbol pairs, q  body symbol pairs, positional: every two neighbouring tokens that are
 *      words or symbols, one of them a symbol, as one token at the first one's position (c+ ++ for
 *      c++, node. .js for node.js). A Latin term with symbols is a phrase of its pairs, so c++ or
 *      node.js reads the lists of those pairs, not the list of every "+" or "." (tokenize.ts
 *      symbolPairs); pairs take no position of their own.
 * The tokens are those of scanTokens (tokenize.ts), which queries use; this file produces the same
 * stream from char codes because it runs for every character imported: a string and a Map lookup
 * per token cost ten times the rest of the import (measured: ~2 ms per 2 KB article).
 */
export const NS = { head: 'h', headChar: 'H', body: 'b', bodyChar: 'B', facet: 'f', headPair: 'p', bodyPair: 'q' } as const;
/** Title positions are below this; tags start here. */
export const TAG_BASE = 4096;
const TAG_STRIDE = 256;
/** A title occurrence weighs as much as ten body occurrences; a tag occurrence five. */
export const WEIGHTS = { title: 10, tags: 5, body: 1 } as const;

/** The text of one document, already normalised (normalizeText). */
export interface NormalizedFields {
  title: string;
  tags: string[];
  summary: string;
  body: string;
}

export interface SegmentInput {
  fields: NormalizedFields;
  categoryId: number;
  tagIds: number[];
}

export interface BuiltSegment {
  kind: 'segment';
  docCount: number;
  /** The segment's rows as stored (lists, and buckets of small lists: rows.ts), in key order; views of one buffer. */
  rowKeys: string[];
  rows: Uint8Array[];
  /** Weighted token count per document, for BM25's length normalisation. */
  lengths: Float64Array;
}

export function normalizeFields(doc: { title: string; tags: string[]; summary: string; body: string }): NormalizedFields {
  return { title: normalizeText(doc.title), tags: doc.tags.map(normalizeText), summary: normalizeText(doc.summary), body: normalizeText(doc.body) };
}

/** Compares strings by code point, which is the byte order of their UTF-8 (SQLite's BINARY). */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // a surrogate (astral code point) sorts after every other BMP code unit in code-point order
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

function grow(array: Int32Array<ArrayBuffer>, needed: number): Int32Array<ArrayBuffer> {
  if (needed <= array.length) return array;
  const next = new Int32Array(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}

/** Ids below this sort packed with their key (32 bits of key and 21 of id: a double's 53). */
const ID_SPACE = 1 << 21;

/** A UTF-16 unit mapped so that numeric order is code-point order (surrogates go last, as in compareKeys). */
function unitOrder(unit: number): number {
  return unit < 0xd800 ? unit : unit <= 0xdfff ? unit + 0x2000 : unit - 0x800;
}

function growFloat(array: Float64Array<ArrayBuffer>, needed: number): Float64Array<ArrayBuffer> {
  return needed <= array.length ? array : new Float64Array(Math.max(needed, array.length * 2));
}

/**
 * The occurrences of one namespace in a batch: per occurrence its token's dense id, document and
 * position, in the order they were met, and each token's text (with the namespace prefix).
 */
class Occurrences {
  readonly #named = new Map<string, number>();
  readonly tokens: string[] = [];
  tok = new Int32Array(1 << 16);
  doc = new Int32Array(1 << 16);
  pos = new Int32Array(1 << 16);
  size = 0;

  constructor(readonly prefix: string) {}

  /** Empties the table for the next batch, keeping the arrays (a worker builds batch after batch). */
  reset(): void {
    this.#named.clear();
    this.tokens.length = 0;
    this.size = 0;
  }

  /** Makes room for `extra` more occurrences, so that add() need not check. */
  reserve(extra: number): void {
    const needed = this.size + extra;
    if (needed <= this.tok.length) return;
    this.tok = grow(this.tok, needed);
    this.doc = grow(this.doc, needed);
    this.pos = grow(this.pos, needed);
  }

  add(id: number, doc: number, position: number): void {
    this.tok[this.size] = id;
    this.doc[this.size] = doc;
    this.pos[this.size] = position;
    this.size++;
  }

  /** A new token's id. */
  protected newId(text: string): number {
    this.tokens.push(this.prefix + text);
    return this.tokens.length - 1;
  }

  /** The id of a token spelled out (anything astral, facets). */
  idOfName(name: string): number {
    let id = this.#named.get(name);
    if (id === undefined) this.#named.set(name, (id = this.newId(name)));
    return id;
  }

  named(name: string, doc: number, position: number): void {
    this.reserve(1);
    this.add(this.idOfName(name), doc, position);
  }

  /** Token ids in key order (code-point order of their text). */
  sortedIds(): Int32Array {
    const tokens = this.tokens;
    const count = tokens.length;
    const ids = new Int32Array(count);
    if (count >= ID_SPACE) {
      for (let t = 0; t < count; t++) ids[t] = t;
      return ids.sort((a, b) => compareKeys(tokens[a]!, tokens[b]!));
    }
    // a numeric sort of (first two units, id) as one number, then ties by text: no comparator
    // call per comparison (the comparator sort took more than all the rest of the encoding)
    const keyed = (scratch.keyed = growFloat(scratch.keyed, count)).subarray(0, count);
    for (let t = 0; t < count; t++) {
      const token = tokens[t]!;
      keyed[t] = (unitOrder(token.charCodeAt(1)) * 0x10000 + unitOrder(token.charCodeAt(2) || 0)) * ID_SPACE + t;
    }
    keyed.sort();
    for (let i = 0; i < count; ) {
      const key = Math.floor(keyed[i]! / ID_SPACE);
      let end = i;
      do ids[end] = keyed[end]! % ID_SPACE;
      while (++end < count && Math.floor(keyed[end]! / ID_SPACE) === key);
      if (end - i > 1) ids.subarray(i, end).sort((a, b) => compareKeys(tokens[a]!, tokens[b]!));
      i = end;
    }
    return ids;
  }

  /** Encodes every token's list into `rows`, in key order (counting sort by token keeps document and position order). */
  encode(positional: boolean, rows: RowWriter): void {
    const { tok, doc, pos, size } = this;
    const count = this.tokens.length;
    const start = (scratch.start = grow(scratch.start, count + 1)).fill(0, 0, count + 1);
    for (let i = 0; i < size; i++) start[tok[i]! + 1]!++;
    for (let t = 0; t < count; t++) start[t + 1]! += start[t]!;
    // scatter (document, position) pairs into token order: reads stay sequential below, and a
    // pair shares a cache line
    const fill = (scratch.fill = grow(scratch.fill, count));
    fill.set(start.subarray(0, count));
    const pairs = (scratch.pairs = grow(scratch.pairs, 2 * size));
    for (let i = 0; i < size; i++) {
      const at = 2 * fill[tok[i]!]!++;
      pairs[at] = doc[i]!;
      pairs[at + 1] = pos[i]!;
    }
    const writer = scratch.writer;
    for (const t of this.sortedIds()) {
      writer.reset();
      // counted lists carry each entry's frequency where positional ones carry a position
      if (positional) writer.positionalPairs(pairs, start[t]!, start[t + 1]!);
      else writer.countedPairs(pairs, start[t]!, start[t + 1]!);
      rows.add(this.tokens[t]!, writer);
    }
  }
}

/** Fibonacci hashing: the top bits of key × 2^32/φ pick a slot. */
const GOLDEN = 0x9e3779b1;

/**
 * Tokens of a field namespace (h, b). Those made of BMP characters get a 32-bit key (CJK pair:
 * hi<<16|lo; CJK single: hi<<16; symbol: its code; space: 1) in an open-addressing table; words
 * are found by a hash of their text, which the scan computes as it goes.
 */
class TokenOccurrences extends Occurrences {
  /** Key and id side by side, so a probe reads one cache line; key 0 marks a free slot. */
  #slots = new Int32Array(2 << 16);
  /** 32 - log2(slot count): the hash's top bits pick the slot. */
  #shift = 16;
  #used = 0;

  /** Word ids + 1 by the hash of their text (0 marks a free slot): a word met before is not sliced out again. */
  #words = new Int32Array(1 << 12);
  #wordHashes = new Int32Array(1 << 12);
  #wordCount = 0;

  override reset(): void {
    super.reset();
    this.#slots.fill(0);
    this.#used = 0;
    this.#words.fill(0);
    this.#wordCount = 0;
  }

  /** The id of the word text[from..to), whose wordHash is `hash`. */
  idOfWord(text: string, from: number, to: number, hash: number): number {
    const words = this.#words;
    const mask = words.length - 1;
    let slot = hash & mask;
    for (; words[slot] !== 0; slot = (slot + 1) & mask) {
      const id = words[slot]! - 1;
      if (this.#wordHashes[slot] === hash && spells(this.tokens[id]!, text, from, to)) return id;
    }
    const id = this.newId(text.slice(from, to));
    words[slot] = id + 1;
    this.#wordHashes[slot] = hash;
    if (++this.#wordCount * 2 > words.length) this.#rehashWords();
    return id;
  }

  /** Doubles the word table at half full. */
  #rehashWords(): void {
    const oldWords = this.#words;
    const oldHashes = this.#wordHashes;
    const words = (this.#words = new Int32Array(oldWords.length * 2));
    const hashes = (this.#wordHashes = new Int32Array(oldWords.length * 2));
    const mask = words.length - 1;
    for (let i = 0; i < oldWords.length; i++) {
      if (oldWords[i] === 0) continue;
      let slot = oldHashes[i]! & mask;
      while (words[slot] !== 0) slot = (slot + 1) & mask;
      words[slot] = oldWords[i]!;
      hashes[slot] = oldHashes[i]!;
    }
  }

  /** The id of a coded token (kept small so that it inlines into the scan). */
  idOfCode(key: number): number {
    const slots = this.#slots;
    const mask = slots.length - 2;
    let slot = (Math.imul(key, GOLDEN) >>> this.#shift) << 1;
    for (;;) {
      const at = slots[slot]!;
      if (at === key) return slots[slot + 1]!;
      if (at === 0) return this.#insert(key, slot);
      slot = (slot + 2) & mask;
    }
  }

  #insert(key: number, slot: number): number {
    const id = this.newId(textOfCode(key));
    this.#slots[slot] = key;
    this.#slots[slot + 1] = id;
    if (++this.#used * 4 > this.#slots.length) this.#rehash();
    return id;
  }

  /** Doubles the table at half full. */
  #rehash(): void {
    const old = this.#slots;
    const slots = (this.#slots = new Int32Array(old.length * 2));
    this.#shift--;
    const mask = slots.length - 2;
    for (let i = 0; i < old.length; i += 2) {
      const key = old[i]!;
      if (key === 0) continue;
      let slot = (Math.imul(key, GOLDEN) >>> this.#shift) << 1;
      while (slots[slot] !== 0) slot = (slot + 2) & mask;
      slots[slot] = key;
      slots[slot + 1] = old[i + 1]!;
    }
  }
}

/** Whether `token` (a prefix character, then its text) spells text[from..to). */
function spells(token: string, text: string, from: number, to: number): boolean {
  if (token.length !== to - from + 1) return false;
  for (let i = from; i < to; i++) if (token.charCodeAt(i - from + 1) !== text.charCodeAt(i)) return false;
  return true;
}

function textOfCode(key: number): string {
  if (key === 1) return SPACE_TOKEN;
  const hi = key >>> 16;
  const lo = key & 0xffff;
  if (hi === 0) return symbolToken(lo);
  return lo === 0 ? String.fromCharCode(hi) : String.fromCharCode(hi, lo);
}

/**
 * CJK characters of a field namespace (H positional, B counted). A BMP character's id is found
 * by its code, without hashing; astral ones go by name.
 */
class CharOccurrences extends Occurrences {
  /** id + 1 of each BMP character met, 0 for the others. */
  readonly #ids = new Int32Array(0x10000);
  // Counted lists: a document's first occurrence of a character adds its entry and the later ones
  // add to that entry's frequency (in the position field), so each character is written once per
  // document (half of all occurrences are characters).
  /** doc + 1 of each BMP character's last entry. */
  readonly #entryDoc = new Int32Array(0x10000);
  /** Where that entry is. */
  readonly #entryAt = new Int32Array(0x10000);

  override reset(): void {
    super.reset();
    this.#ids.fill(0);
    this.#entryDoc.fill(0);
  }

  #idOfBmp(code: number): number {
    const known = this.#ids[code]!;
    if (known !== 0) return known - 1;
    const id = this.newId(String.fromCharCode(code));
    this.#ids[code] = id + 1;
    return id;
  }

  /** A character with its position (positional lists). */
  at(code: number, doc: number, position: number): void {
    this.add(code > 0xffff ? this.idOfName(String.fromCodePoint(code)) : this.#idOfBmp(code), doc, position);
  }

  /** One more occurrence of a character in document `doc` (counted lists). */
  count(code: number, doc: number): void {
    if (code > 0xffff) {
      this.add(this.idOfName(String.fromCodePoint(code)), doc, 1);
    } else if (this.#entryDoc[code] === doc + 1) {
      this.pos[this.#entryAt[code]!]!++;
    } else {
      this.#entryDoc[code] = doc + 1;
      this.#entryAt[code] = this.size;
      this.add(this.#idOfBmp(code), doc, 1);
    }
  }
}

/**
 * Emits the tokens of one normalised field (the same stream as scanTokens) into `tokens`, each
 * CJK character into `chars` and each symbol pair into `pairs`, numbering from `start`; returns
 * the next free position.
 */
function collect(text: string, start: number, doc: number, tokens: TokenOccurrences, chars: CharOccurrences, charPositions: boolean, pairs: Occurrences): number {
  // a field has at most one token per UTF-16 unit, and one character entry
  tokens.reserve(text.length);
  chars.reserve(text.length);
  // every token takes the next position: a token's position is where it is stored, offset
  const offset = start - tokens.size;
  /** The CJK character just before text[i], or -1. */
  let previous = -1;
  /** The token just before text[i] if it is a word or a symbol: its kind and text[from..to). */
  let lastKind = OTHER_NONE;
  let lastFrom = 0;
  let lastTo = 0;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const cls = classOf(cp);
    if (cls === CharClass.Cjk) {
      // the hot path of the whole import: most characters are CJK, in runs, each starting a bigram
      if (previous >= 0) {
        const position = offset + tokens.size;
        const id = previous <= 0xffff && cp <= 0xffff ? tokens.idOfCode((previous << 16) | cp) : tokens.idOfName(String.fromCodePoint(previous, cp));
        tokens.add(id, doc, position);
        if (charPositions) chars.at(previous, doc, position);
        else chars.count(previous, doc);
      }
      previous = cp;
      lastKind = OTHER_NONE;
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    if (previous >= 0) {
      emitSingle(previous, doc, offset + tokens.size, tokens, chars, charPositions);
      previous = -1;
    }
    const from = i;
    i = collectOther(text, i, cp, cls, doc, offset, tokens);
    const kind = cls === CharClass.Word ? OTHER_WORD : cls === CharClass.Space ? OTHER_NONE : OTHER_SYMBOL;
    if (kind !== OTHER_NONE && lastKind !== OTHER_NONE && (kind === OTHER_SYMBOL || lastKind === OTHER_SYMBOL)) {
      pairs.named(pairText(text, lastFrom, lastTo, lastKind) + pairText(text, from, i, kind), doc, offset + tokens.size - 2);
    }
    lastKind = kind;
    lastFrom = from;
    lastTo = i;
  }
  if (previous >= 0) emitSingle(previous, doc, offset + tokens.size, tokens, chars, charPositions);
  return offset + tokens.size;
}

const OTHER_NONE = 0;
const OTHER_WORD = 1;
const OTHER_SYMBOL = 2;

/** A word's or a symbol's token text, as the pair holds it. */
function pairText(text: string, from: number, to: number, kind: number): string {
  return kind === OTHER_WORD ? text.slice(from, to) : symbolToken(text.codePointAt(from)!);
}

/** The last character of a CJK run: its own token, and its character entry. */
function emitSingle(cp: number, doc: number, position: number, tokens: TokenOccurrences, chars: CharOccurrences, charPositions: boolean): void {
  tokens.add(cp <= 0xffff ? tokens.idOfCode(cp << 16) : tokens.idOfName(String.fromCodePoint(cp)), doc, position);
  if (charPositions) chars.at(cp, doc, position);
  else chars.count(cp, doc);
}

/** Emits the word, symbol or space at text[i] (code point `cp`); returns where it ends. */
function collectOther(text: string, i: number, cp: number, cls: CharClass, doc: number, offset: number, tokens: TokenOccurrences): number {
  let end = i + (cp > 0xffff ? 2 : 1);
  let id: number;
  if (cls === CharClass.Word) {
    // FNV-1a over the word's code points
    let hash = Math.imul(0x811c9dc5 ^ cp, 0x01000193);
    while (end < text.length) {
      const next = text.codePointAt(end)!;
      if (classOf(next) !== CharClass.Word) break;
      hash = Math.imul(hash ^ next, 0x01000193);
      end += next > 0xffff ? 2 : 1;
    }
    id = tokens.idOfWord(text, i, end, hash);
  } else {
    id = cls === CharClass.Space ? tokens.idOfCode(1) : cp > 0xffff ? tokens.idOfName(symbolToken(cp)) : tokens.idOfCode(cp);
  }
  tokens.add(id, doc, offset + tokens.size);
  return end;
}

// Reused from batch to batch: allocating and zeroing these per batch showed in the profile.
const scratch = {
  start: new Int32Array(1 << 16),
  fill: new Int32Array(1 << 16),
  pairs: new Int32Array(1 << 17),
  keyed: new Float64Array(1 << 16),
  writer: new ListWriter(),
};
/**
 * Row bytes per UTF-16 unit of text in the last batch (≈ 3.5 for articles): the next batch's
 * buffer is sized from it once, not grown (copied) step by step. Capped, so that an odd batch (all
 * tags and facets) cannot make the next one allocate far more than it needs.
 */
let rowBytesPerUnit = 8;
let tables: [TokenOccurrences, CharOccurrences, TokenOccurrences, CharOccurrences, Occurrences, Occurrences, Occurrences] | undefined;

/**
 * Builds one segment a document at a time, so a caller can let each document's texts go as soon
 * as they are added: a batch's normalised texts all held until the end survived the young
 * generation and were copied by every scavenge (a fifth of a prepare worker's time was GC).
 * The occurrence tables are shared by the thread's builders, so a new builder supersedes the one
 * before it, which refuses any further use (an abandoned one, say after an error, blocks nothing).
 */
export class SegmentBuilder {
  static #latest = 0;
  readonly #generation: number;
  readonly #tables: NonNullable<typeof tables>;
  #lengths = new Float64Array(1024);
  #docCount = 0;
  #units = 0;

  constructor() {
    this.#generation = ++SegmentBuilder.#latest;
    tables ??= [
      new TokenOccurrences(NS.head),
      new CharOccurrences(NS.headChar),
      new TokenOccurrences(NS.body),
      new CharOccurrences(NS.bodyChar),
      new Occurrences(NS.facet),
      new Occurrences(NS.headPair),
      new Occurrences(NS.bodyPair),
    ];
    for (const table of tables) table.reset();
    this.#tables = tables;
  }

  /** Adds the next document (numbered in the order added). */
  add(doc: SegmentInput): void {
    this.#checkCurrent();
    const [head, headChars, body, bodyChars, facets, headPairs, bodyPairs] = this.#tables;
    const { fields } = doc;
    const n = this.#docCount++;
    const titleLength = collect(fields.title, 0, n, head, headChars, true, headPairs);
    let tagLength = 0;
    fields.tags.forEach((tag, k) => {
      const start = TAG_BASE + k * TAG_STRIDE;
      tagLength += collect(tag, start, n, head, headChars, true, headPairs) - start;
    });
    const summaryEnd = collect(fields.summary, 0, n, body, bodyChars, false, bodyPairs);
    const bodyEnd = collect(fields.body, summaryEnd + 1, n, body, bodyChars, false, bodyPairs);
    this.#units += fields.title.length + fields.summary.length + fields.body.length;
    if (n === this.#lengths.length) {
      const lengths = new Float64Array(n * 2);
      lengths.set(this.#lengths);
      this.#lengths = lengths;
    }
    this.#lengths[n] = WEIGHTS.title * titleLength + WEIGHTS.tags * tagLength + WEIGHTS.body * (bodyEnd - 1);
    facets.named(`c${doc.categoryId}`, n, 1);
    for (const tagId of new Set(doc.tagIds)) facets.named(`t${tagId}`, n, 1);
  }

  /** Encodes the rows of every document added; the builder is spent. */
  finish(): BuiltSegment {
    this.#checkCurrent();
    const [head, headChars, body, bodyChars, facets, headPairs, bodyPairs] = this.#tables;
    const units = this.#units;
    // the namespaces in key order ('B' < 'H' < 'b' < 'f' < 'h' < 'p' < 'q'), each list in key order within its own
    const rows = new RowWriter(Math.ceil(units * rowBytesPerUnit * 1.25) + (1 << 16));
    bodyChars.encode(false, rows);
    headChars.encode(true, rows);
    body.encode(true, rows);
    facets.encode(false, rows);
    head.encode(true, rows);
    headPairs.encode(true, rows);
    bodyPairs.encode(true, rows);
    if (units > 0) rowBytesPerUnit = Math.min(rows.length / units, 32);
    const lengths = this.#lengths.slice(0, this.#docCount);
    // spent: the tables now belong to whichever builder comes next
    SegmentBuilder.#latest++;
    return { kind: 'segment', docCount: this.#docCount, rowKeys: rows.keys, rows: rows.rows(), lengths };
  }

  #checkCurrent(): void {
    if (this.#generation !== SegmentBuilder.#latest) throw new Error('this SegmentBuilder was finished or superseded by a newer one in this thread (they share tables)');
  }
}

/** The segment of a whole batch at once. */
export function buildSegment(docs: readonly SegmentInput[]): BuiltSegment {
  const builder = new SegmentBuilder();
  for (const doc of docs) builder.add(doc);
  return builder.finish();
}
