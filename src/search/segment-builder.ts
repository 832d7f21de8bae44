import { CharClass, classOf } from './chars.js';
import { normalizeText } from './normalize.js';
import { ListWriter } from './postings.js';
import { packRows } from './rows.js';
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
 *   f  facets, counted: fc<category id>, ft<tag id>.
 * The tokens are those of scanTokens (tokenize.ts), which queries use; this file produces the same
 * stream from char codes because it runs for every character imported: a string and a Map lookup
 * per token cost ten times the rest of the import (measured: ~2 ms per 2 KB article).
 */
export const NS = { head: 'h', headChar: 'H', body: 'b', bodyChar: 'B', facet: 'f' } as const;
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
  /** The segment's rows as stored (lists, and buckets of small lists: postings.ts), in key order. */
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

/**
 * The occurrences of one namespace in a batch. Tokens made of BMP characters get a 32-bit key
 * (CJK pair: hi<<16|lo; CJK single: hi<<16; symbol: its code; space: 1) in an open-addressing
 * table; words and anything astral go through a Map. Each distinct token gets a dense id.
 */
class Occurrences {
  #slots = new Int32Array(1 << 16);
  #slotIds = new Int32Array(1 << 16);
  /** 32 - log2(table size): the hash's top bits pick the slot. */
  #shift = 16;
  #used = 0;
  readonly #named = new Map<string, number>();
  readonly tokens: string[] = [];
  tok = new Int32Array(1 << 16);
  doc = new Int32Array(1 << 16);
  pos = new Int32Array(1 << 16);
  size = 0;

  constructor(readonly prefix: string) {}

  /** Empties the table for the next batch, keeping the arrays (a worker builds batch after batch). */
  reset(): this {
    this.#slots.fill(0);
    this.#used = 0;
    this.#named.clear();
    this.tokens.length = 0;
    this.size = 0;
    return this;
  }

  /** The id of a coded token; `hi`/`lo` spell it if it is new (lo < 0: a single character). */
  #idOfCode(key: number, kind: 'pair' | 'single' | 'symbol' | 'char', hi: number, lo: number): number {
    let mask = this.#slots.length - 1;
    let slot = Math.imul(key, 0x9e3779b1) >>> this.#shift;
    for (;;) {
      const at = this.#slots[slot]!;
      if (at === key) return this.#slotIds[slot]!;
      if (at === 0) break;
      slot = (slot + 1) & mask;
    }
    const id = this.tokens.length;
    const text =
      kind === 'pair' ? String.fromCharCode(hi, lo) : kind === 'symbol' ? (hi === 1 ? SPACE_TOKEN : symbolToken(hi)) : String.fromCharCode(hi);
    this.tokens.push(this.prefix + text);
    this.#slots[slot] = key;
    this.#slotIds[slot] = id;
    if (++this.#used * 2 > this.#slots.length) {
      // rehash at half full
      const oldSlots = this.#slots;
      const oldIds = this.#slotIds;
      this.#slots = new Int32Array(oldSlots.length * 2);
      this.#slotIds = new Int32Array(oldSlots.length * 2);
      this.#shift--;
      mask = this.#slots.length - 1;
      for (let i = 0; i < oldSlots.length; i++) {
        const k = oldSlots[i]!;
        if (k === 0) continue;
        let s = Math.imul(k, 0x9e3779b1) >>> this.#shift;
        while (this.#slots[s] !== 0) s = (s + 1) & mask;
        this.#slots[s] = k;
        this.#slotIds[s] = oldIds[i]!;
      }
    }
    return id;
  }

  #idOfName(name: string): number {
    let id = this.#named.get(name);
    if (id === undefined) {
      id = this.tokens.length;
      this.tokens.push(this.prefix + name);
      this.#named.set(name, id);
    }
    return id;
  }

  #push(id: number, doc: number, position: number): void {
    if (this.size === this.tok.length) {
      this.tok = grow(this.tok, this.size + 1);
      this.doc = grow(this.doc, this.size + 1);
      this.pos = grow(this.pos, this.size + 1);
    }
    this.tok[this.size] = id;
    this.doc[this.size] = doc;
    this.pos[this.size] = position;
    this.size++;
  }

  pair(hi: number, lo: number, doc: number, position: number): void {
    this.#push(this.#idOfCode(((hi << 16) | lo) | 0, 'pair', hi, lo), doc, position);
  }

  single(code: number, doc: number, position: number): void {
    this.#push(this.#idOfCode((code << 16) | 0, 'single', code, 0), doc, position);
  }

  symbol(code: number, doc: number, position: number): void {
    this.#push(code > 0xffff ? this.#idOfName(symbolToken(code)) : this.#idOfCode(code, 'symbol', code, 0), doc, position);
  }

  space(doc: number, position: number): void {
    this.#push(this.#idOfCode(1, 'symbol', 1, 0), doc, position);
  }

  /** A CJK character with its position (positional character lists). */
  char(code: number, doc: number, position: number): void {
    if (code > 0xffff) this.#push(this.#idOfName(String.fromCodePoint(code)), doc, position);
    else this.#push(this.#idOfCode(code, 'char', code, 0), doc, position);
  }

  // Counted character lists: a document's characters are tallied in a table indexed by code and
  // written once per distinct character (half of all occurrences are characters).
  #tally: Int32Array | undefined;
  readonly #touched: number[] = [];

  /** Counts one CJK character of document `doc` (counted lists; see flushTally). */
  tallyChar(code: number, doc: number): void {
    if (code > 0xffff) {
      this.#push(this.#idOfName(String.fromCodePoint(code)), doc, 1);
      return;
    }
    const tally = (this.#tally ??= new Int32Array(0x10000));
    if (tally[code] === 0) this.#touched.push(code);
    tally[code]!++;
  }

  /** Writes the tallied characters of `doc` as one entry each (frequency in the position field). */
  flushTally(doc: number): void {
    const tally = this.#tally;
    if (!tally) return;
    for (const code of this.#touched) {
      this.#push(this.#idOfCode(code, 'char', code, 0), doc, tally[code]!);
      tally[code] = 0;
    }
    this.#touched.length = 0;
  }

  named(name: string, doc: number, position: number): void {
    this.#push(this.#idOfName(name), doc, position);
  }

  /** Encodes every token's list (counting sort by token keeps document and position order). */
  encode(positional: boolean, out: Map<string, Uint8Array>): void {
    const count = this.tokens.length;
    const start = new Int32Array(count + 1);
    for (let i = 0; i < this.size; i++) start[this.tok[i]! + 1]!++;
    for (let t = 0; t < count; t++) start[t + 1]! += start[t]!;
    // scatter documents and positions into token order: reads stay sequential below
    const fill = start.slice(0, count);
    const docs = (scratch.docs = grow(scratch.docs, this.size));
    const positions = (scratch.positions = grow(scratch.positions, this.size));
    for (let i = 0; i < this.size; i++) {
      const at = fill[this.tok[i]!]!++;
      docs[at] = this.doc[i]!;
      positions[at] = this.pos[i]!;
    }
    const writer = new ListWriter();
    for (let t = 0; t < count; t++) {
      writer.reset();
      const end = start[t + 1]!;
      for (let k = start[t]!; k < end; ) {
        const doc = docs[k]!;
        let next = k + 1;
        while (next < end && docs[next] === doc) next++;
        if (positional) {
          writer.positional(doc, positions, k, next);
        } else {
          // counted lists carry each entry's frequency where positional ones carry a position
          let frequency = 0;
          for (let j = k; j < next; j++) frequency += positions[j]!;
          writer.counted(doc, frequency);
        }
        k = next;
      }
      out.set(this.tokens[t]!, writer.result());
    }
  }
}

/**
 * Emits the tokens of one normalised field (the same stream as scanTokens) into `tokens`, and each
 * CJK character into `chars`, numbering from `start`; returns the next free position.
 */
function collect(text: string, start: number, doc: number, tokens: Occurrences, chars: Occurrences, charPositions: boolean): number {
  let position = start;
  let previous = -1;
  let wordStart = -1;
  for (let i = 0; i < text.length; ) {
    const code = text.charCodeAt(i);
    const next = code >= 0xd800 && code <= 0xdbff ? text.charCodeAt(i + 1) : 0;
    const width = next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
    const cp = width === 2 ? ((code - 0xd800) << 10) + (next - 0xdc00) + 0x10000 : code;
    const cls = classOf(cp);
    if (cls === CharClass.Word) {
      if (previous >= 0) {
        emitSingle(previous, doc, position++, tokens, chars, charPositions);
        previous = -1;
      }
      if (wordStart < 0) wordStart = i;
      i += width;
      continue;
    }
    if (wordStart >= 0) {
      tokens.named(text.slice(wordStart, i), doc, position++);
      wordStart = -1;
    }
    if (cls === CharClass.Cjk) {
      if (previous >= 0) {
        if (previous <= 0xffff && cp <= 0xffff) tokens.pair(previous, cp, doc, position);
        else tokens.named(String.fromCodePoint(previous, cp), doc, position);
        if (charPositions) chars.char(previous, doc, position);
        else chars.tallyChar(previous, doc);
        position++;
      }
      previous = cp;
    } else {
      if (previous >= 0) {
        emitSingle(previous, doc, position++, tokens, chars, charPositions);
        previous = -1;
      }
      if (cls === CharClass.Space) tokens.space(doc, position++);
      else tokens.symbol(cp, doc, position++);
    }
    i += width;
  }
  if (wordStart >= 0) tokens.named(text.slice(wordStart), doc, position++);
  if (previous >= 0) emitSingle(previous, doc, position++, tokens, chars, charPositions);
  return position;
}

/** The last character of a CJK run: its own token, and its character entry. */
function emitSingle(cp: number, doc: number, position: number, tokens: Occurrences, chars: Occurrences, charPositions: boolean): void {
  if (cp <= 0xffff) tokens.single(cp, doc, position);
  else tokens.named(String.fromCodePoint(cp), doc, position);
  if (charPositions) chars.char(cp, doc, position);
  else chars.tallyChar(cp, doc);
}

// Reused from batch to batch: allocating and zeroing these per batch showed in the profile.
const scratch = { docs: new Int32Array(1 << 16), positions: new Int32Array(1 << 16) };
let tables: Occurrences[] | undefined;

export function buildSegment(docs: readonly SegmentInput[]): BuiltSegment {
  tables ??= [NS.head, NS.headChar, NS.body, NS.bodyChar, NS.facet].map((prefix) => new Occurrences(prefix));
  const [head, headChars, body, bodyChars, facets] = tables.map((table) => table.reset()) as [Occurrences, Occurrences, Occurrences, Occurrences, Occurrences];
  const lengths = new Float64Array(docs.length);
  docs.forEach((doc, n) => {
    const { fields } = doc;
    const titleLength = collect(fields.title, 0, n, head, headChars, true);
    let tagLength = 0;
    fields.tags.forEach((tag, k) => {
      const start = TAG_BASE + k * TAG_STRIDE;
      tagLength += collect(tag, start, n, head, headChars, true) - start;
    });
    const summaryEnd = collect(fields.summary, 0, n, body, bodyChars, false);
    const bodyEnd = collect(fields.body, summaryEnd + 1, n, body, bodyChars, false);
    bodyChars.flushTally(n);
    lengths[n] = WEIGHTS.title * titleLength + WEIGHTS.tags * tagLength + WEIGHTS.body * (bodyEnd - 1);
    facets.named(`c${doc.categoryId}`, n, 1);
    for (const tagId of new Set(doc.tagIds)) facets.named(`t${tagId}`, n, 1);
  });
  const lists = new Map<string, Uint8Array>();
  head.encode(true, lists);
  headChars.encode(true, lists);
  body.encode(true, lists);
  bodyChars.encode(false, lists);
  facets.encode(false, lists);
  const keys = [...lists.keys()].sort(compareKeys);
  const rowKeys: string[] = [];
  const rows: Uint8Array[] = [];
  for (const row of packRows(keys.map((key) => ({ key, list: lists.get(key)! })))) {
    rowKeys.push(row.key);
    rows.push(row.data);
  }
  return { kind: 'segment', docCount: docs.length, rowKeys, rows, lengths };
}
