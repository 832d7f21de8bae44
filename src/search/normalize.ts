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
    if (ch.length === 1 && (ch < '\ud800' || ch > '\udfff') && (space || text.length === 1)) {
      unitFold[ch.charCodeAt(0)] = ONE_UNIT | (space ? SPACE : text.charCodeAt(0)) | (folded.traditional ? TRADITIONAL : 0);
    }
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
  const n = input.length;
  let out = outputBuffer(n);
  let length = 0;
  let pendingSpace = false;
  let traditional = false;
  for (let i = 0; i < n; i++) {
    const code = input.charCodeAt(i);
    if (code < 128) {
      if (code <= 32 || code === 127) {
        pendingSpace = true;
        continue;
      }
      if (pendingSpace && length > 0) out[length++] = 32;
      pendingSpace = false;
      out[length++] = code >= 65 && code <= 90 ? code + 32 : code;
      continue;
    }
    const cached = code < 0xd800 || code > 0xdfff ? unitFold[code]! : 0;
    if (cached & ONE_UNIT) {
      if (cached & SPACE) {
        pendingSpace = true;
        continue;
      }
      if (pendingSpace && length > 0) out[length++] = 32;
      pendingSpace = false;
      if (cached & TRADITIONAL) traditional = true;
      out[length++] = cached & 0xffff;
      continue;
    }
    // the rare rest: a surrogate pair, a lone surrogate, a first sighting, or a fold into several units
    let ch: string;
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < n && (input.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      ch = input.slice(i, i + 2);
      i++;
    } else {
      ch = input[i]!;
    }
    const folded = fold(ch);
    if (folded.space) {
      pendingSpace = true;
      continue;
    }
    // every input unit so far gave at most one output unit: the rest of the input, this fold and
    // one space fit if the buffer holds that much
    if (length + folded.text.length + 1 + (n - i) > out.length) out = growOutput(out, length + folded.text.length + 1 + (n - i));
    if (pendingSpace && length > 0) out[length++] = 32;
    pendingSpace = false;
    traditional ||= folded.traditional;
    for (let k = 0; k < folded.text.length; k++) out[length++] = folded.text.charCodeAt(k);
  }
  const text = unitsToString(out, length);
  return traditional ? text.replace(HAN_RUN, (run) => toSimplifiedPhrases(run) ?? run) : text;
}

/*
 * normalizeText's fast path: a fold cache per BMP code unit (no string per character, no Map
 * look-up) and the output written as code units into a reused buffer. The flag ONE_UNIT marks a
 * cached fold to one code unit (held in the low 16 bits) or to white space; anything else takes
 * the general path through fold().
 */
const ONE_UNIT = 1 << 16;
const SPACE = 1 << 17;
const TRADITIONAL = 1 << 18;
const unitFold = new Int32Array(0x10000);
/** Output buffers up to this many units are kept for the next call; a huge text's is let go. */
const SHARED_OUTPUT_MAX = 1 << 17;
let sharedOutput = new Uint16Array(4096);

function outputBuffer(inputLength: number): Uint16Array {
  if (sharedOutput.length >= inputLength) return sharedOutput;
  const out = new Uint16Array(inputLength * 2);
  if (out.length <= SHARED_OUTPUT_MAX) sharedOutput = out;
  return out;
}

function growOutput(out: Uint16Array, needed: number): Uint16Array {
  const grown = outputBuffer(needed);
  grown.set(out);
  return grown;
}

// Buffer's UTF-16LE decoding copies the units as they are (lone surrogates too) and is faster than
// String.fromCharCode; a big-endian machine takes the portable path.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const CHUNK = 8192;

function unitsToString(units: Uint16Array, length: number): string {
  if (LITTLE_ENDIAN) return Buffer.from(units.buffer, units.byteOffset, length * 2).toString('utf16le');
  let text = '';
  for (let start = 0; start < length; start += CHUNK) {
    text += String.fromCharCode(...units.subarray(start, Math.min(start + CHUNK, length)));
  }
  return text;
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
