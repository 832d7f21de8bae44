import { CharClass, classOf } from './chars.js';

/**
 * The index's tokens (segment-builder.ts stores them; queries look them up), in text order:
 *   - each CJK run c1..cn as the overlapping bigrams c1c2 .. c(n-1)cn followed by the unigram cn,
 *     so token i always starts with character i: a k-character substring is a phrase of k-1
 *     bigrams (a single character has lists of its own, see segment-builder.ts);
 *   - each run of other letters/digits as one word;
 *   - each symbol (+ # . - ...) as one private-use character, so c++ and c# stay searchable;
 *   - each whitespace character as SPACE_TOKEN, so "c + +" is not adjacent like "c++".
 * Fields are kept apart by position gaps, so no phrase spans two.
 */
export const SPACE_TOKEN = '\u{100001}';

/** Encodes one symbol code point as a token (plane-15 private use: no text holds it). */
export function symbolToken(codePoint: number): string {
  if (codePoint <= 0xffff) return String.fromCodePoint(0xf0000 + codePoint);
  return String.fromCodePoint(0xf0000 + (codePoint >>> 16), 0xf0000 + (codePoint & 0xffff));
}

export type Segment =
  | { kind: 'cjk'; text: string[] }
  | { kind: 'word'; text: string }
  | { kind: 'symbol'; codePoint: number }
  | { kind: 'space' };

/** Splits normalised text into runs of one character class. */
export function segment(text: string): Segment[] {
  const out: Segment[] = [];
  let cjk: string[] | null = null;
  let word = '';
  const flush = () => {
    if (cjk) out.push({ kind: 'cjk', text: cjk });
    if (word) out.push({ kind: 'word', text: word });
    cjk = null;
    word = '';
  };
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const cls = classOf(cp);
    if (cls === CharClass.Cjk) {
      if (word) flush();
      (cjk ??= []).push(ch);
    } else if (cls === CharClass.Word) {
      if (cjk) flush();
      word += ch;
    } else {
      flush();
      out.push(cls === CharClass.Space ? { kind: 'space' } : { kind: 'symbol', codePoint: cp });
    }
  }
  flush();
  return out;
}

/**
 * Walks the index tokens of one normalised field (the rules in the comment above), numbering them
 * from `start`; `cjk` is the CJK character a token starts with, if it does. Returns the position
 * after the last token. One pass over char codes: this runs for every character imported.
 */
export function scanTokens(text: string, start: number, emit: (token: string, position: number, cjk: string | undefined) => void): number {
  let position = start;
  let previousCjk: string | undefined;
  let wordStart = -1;
  const endWord = (end: number) => {
    if (wordStart >= 0) emit(text.slice(wordStart, end), position++, undefined);
    wordStart = -1;
  };
  const endCjk = () => {
    if (previousCjk !== undefined) emit(previousCjk, position++, previousCjk);
    previousCjk = undefined;
  };
  for (let i = 0; i < text.length; ) {
    const code = text.charCodeAt(i);
    const next = code >= 0xd800 && code <= 0xdbff ? text.charCodeAt(i + 1) : 0;
    const width = next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
    const cp = width === 2 ? text.codePointAt(i)! : code;
    const cls = classOf(cp);
    if (cls === CharClass.Cjk) {
      endWord(i);
      const ch = width === 2 ? text.slice(i, i + 2) : text[i]!;
      if (previousCjk !== undefined) emit(previousCjk + ch, position++, previousCjk);
      previousCjk = ch;
    } else if (cls === CharClass.Word) {
      endCjk();
      if (wordStart < 0) wordStart = i;
    } else {
      endWord(i);
      endCjk();
      emit(cls === CharClass.Space ? SPACE_TOKEN : symbolToken(cp), position++, undefined);
    }
    i += width;
  }
  endWord(text.length);
  endCjk();
  return position;
}

/** Index tokens for one normalised field, space-separated. */
export function indexTokens(text: string): string {
  const tokens: string[] = [];
  scanTokens(text, 0, (token) => tokens.push(token));
  return tokens.join(' ');
}

export interface TermPhrase {
  /** Tokens to match at consecutive positions. */
  tokens: string[];
  /** Whether the last token is matched as a prefix. */
  prefix: boolean;
}

/**
 * Builds the phrase that finds a normalised term, following the rules in the comment above. A term
 * starts at a word boundary (match.ts), so a word it starts with is a whole token of the index
 * (linux命令 is the phrase linux, 命令), and the index alone decides every term.
 */
export function termPhrase(term: string): TermPhrase {
  const segs = segment(term);
  const tokens: string[] = [];
  let prefix = false;
  segs.forEach((seg, index) => {
    const last = index === segs.length - 1;
    switch (seg.kind) {
      case 'cjk': {
        const chars = seg.text;
        if (chars.length === 1) {
          tokens.push(chars[0]!);
          prefix = last;
        } else {
          for (let i = 0; i + 1 < chars.length; i++) tokens.push(chars[i]! + chars[i + 1]!);
          // followed by a non-CJK character: the indexed run ended here too, with its unigram
          if (!last) tokens.push(chars[chars.length - 1]!);
        }
        break;
      }
      case 'word':
        tokens.push(seg.text);
        prefix = last;
        break;
      case 'symbol':
        tokens.push(symbolToken(seg.codePoint));
        break;
      case 'space':
        tokens.push(SPACE_TOKEN);
        break;
    }
  });
  return { tokens, prefix };
}

const isSymbolToken = (token: string) => token.codePointAt(0)! >= 0xf0000 && token !== SPACE_TOKEN;
const isWordToken = (token: string) => {
  const cp = token.codePointAt(0)!;
  return cp < 0xf0000 && classOf(cp) === CharClass.Word;
};

/**
 * The same phrase as a phrase of symbol pairs (the p and q lists of segment-builder.ts), when it is
 * made only of words and symbols, at least two: c++ becomes c+ ++ and node.js node. .js (the last
 * pair a prefix when the last word was). Every two neighbouring tokens of such a phrase are a pair
 * the index holds, and a pair at position p means its two tokens at p and p + 1, so the pairs at
 * consecutive positions match exactly where the tokens do, reading short lists instead of the list
 * of every "." or "+".
 */
export function symbolPairs(phrase: TermPhrase): TermPhrase | undefined {
  const { tokens } = phrase;
  if (tokens.length < 2 || !tokens.every((t) => isSymbolToken(t) || isWordToken(t))) return undefined;
  const pairs: string[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) pairs.push(tokens[i]! + tokens[i + 1]!);
  return { tokens: pairs, prefix: phrase.prefix };
}
