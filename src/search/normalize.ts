import * as OpenCC from 'opencc-js';

// Character-level traditional -> simplified, to detect traditional text cheaply.
const toSimplifiedChar = OpenCC.Converter({ from: 't', to: 'cn' });
// Phrase-level conversion with Taiwan vocabulary (網路 -> 网络, 軟體 -> 软件), run only on
// CJK runs that hold a traditional character: simplified text, the common case, skips it.
const toSimplifiedPhrases = OpenCC.Converter({ from: 'twp', to: 'cn' });

interface FoldedChar {
  /** NFKC, lower-cased. */
  text: string;
  space: boolean;
  traditional: boolean;
}

const SPACE_OR_CONTROL = /^[\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+$/u;
const foldCache = new Map<string, FoldedChar>();

function fold(ch: string): FoldedChar {
  let folded = foldCache.get(ch);
  if (folded === undefined) {
    const text = ch.normalize('NFKC').toLowerCase();
    const space = text === '' || SPACE_OR_CONTROL.test(text);
    folded = { text, space, traditional: !space && (toSimplifiedChar(text) ?? text) !== text };
    foldCache.set(ch, folded);
  }
  return folded;
}

export interface MappedText {
  /** The normalised text. */
  text: string;
  /** origin[i] = offset in the input of the character that produced text[i]; plus one end entry. */
  origin: number[];
}

/**
 * The one normal form that indexing, querying, verification and the oracle share: each character
 * NFKC-normalised and lower-cased, traditional Chinese converted to simplified (with Taiwan
 * phrases), white space and control characters collapsed to one space, trimmed.
 */
export function normalizeText(input: string): string {
  return normalizeWithMap(input).text;
}

/** Normalises and records where every output code unit came from in the input. */
export function normalizeWithMap(input: string): MappedText {
  let text = '';
  const origin: number[] = [];
  let pendingSpace = -1;
  let traditional = false;
  let offset = 0;
  for (const ch of input) {
    const code = ch.charCodeAt(0);
    if (code < 128) {
      if (code <= 32 || code === 127) {
        if (pendingSpace < 0) pendingSpace = offset;
      } else {
        if (pendingSpace >= 0 && text.length > 0) {
          text += ' ';
          origin.push(pendingSpace);
        }
        pendingSpace = -1;
        text += code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : ch;
        origin.push(offset);
      }
    } else {
      const folded = fold(ch);
      if (folded.space) {
        if (pendingSpace < 0) pendingSpace = offset;
      } else {
        if (pendingSpace >= 0 && text.length > 0) {
          text += ' ';
          origin.push(pendingSpace);
        }
        pendingSpace = -1;
        traditional ||= folded.traditional;
        text += folded.text;
        for (let k = 0; k < folded.text.length; k++) origin.push(offset);
      }
    }
    offset += ch.length;
  }
  origin.push(input.length);
  return traditional ? simplify(text, origin) : { text, origin };
}

const HAN_RUN = /\p{Script=Han}+/gu;

function simplify(text: string, origin: number[]): MappedText {
  let out = '';
  const outOrigin: number[] = [];
  let cursor = 0;
  for (const match of text.matchAll(HAN_RUN)) {
    const start = match.index;
    const run = match[0];
    for (let i = cursor; i < start; i++) outOrigin.push(origin[i]!);
    out += text.slice(cursor, start);
    const converted = toSimplifiedPhrases(run) ?? run;
    out += converted;
    for (let i = 0; i < converted.length; i++) {
      // equal lengths map one to one; a shorter or longer phrase maps proportionally
      const source = converted.length === run.length ? i : Math.floor((i * run.length) / converted.length);
      outOrigin.push(origin[start + source]!);
    }
    cursor = start + run.length;
  }
  for (let i = cursor; i < text.length; i++) outOrigin.push(origin[i]!);
  outOrigin.push(origin[text.length]!);
  return { text: out + text.slice(cursor), origin: outOrigin };
}
