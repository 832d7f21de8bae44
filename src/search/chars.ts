/** Character classes shared by the tokenizer, the matcher and the snippet builder. */
export const enum CharClass {
  Space = 0,
  Cjk = 1,
  Word = 2,
  Symbol = 3,
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORD = /[\p{L}\p{N}\p{M}]/u;
// classes of BMP code points, filled on first sight (0 = not yet known; stored as class + 1)
const bmpClasses = new Uint8Array(0x10000);
const astralClasses = new Map<number, CharClass>();

function classify(codePoint: number): CharClass {
  const ch = String.fromCodePoint(codePoint);
  return CJK.test(ch) ? CharClass.Cjk : WORD.test(ch) ? CharClass.Word : /\s/u.test(ch) ? CharClass.Space : CharClass.Symbol;
}

/** Classifies one code point of normalised text. */
export function classOf(codePoint: number): CharClass {
  if (codePoint < 128) {
    if (codePoint === 32) return CharClass.Space;
    if ((codePoint >= 97 && codePoint <= 122) || (codePoint >= 48 && codePoint <= 57) || (codePoint >= 65 && codePoint <= 90)) {
      return CharClass.Word;
    }
    return codePoint < 32 ? CharClass.Space : CharClass.Symbol;
  }
  if (codePoint <= 0xffff) {
    const known = bmpClasses[codePoint]!;
    if (known !== 0) return (known - 1) as CharClass;
    const cls = classify(codePoint);
    bmpClasses[codePoint] = cls + 1;
    return cls;
  }
  let cls = astralClasses.get(codePoint);
  if (cls === undefined) astralClasses.set(codePoint, (cls = classify(codePoint)));
  return cls;
}

/** True when the text holds at least one CJK character. */
export function hasCjk(text: string): boolean {
  for (const ch of text) if (classOf(ch.codePointAt(0)!) === CharClass.Cjk) return true;
  return false;
}

/** True when a Latin-style term may start at `index` of `text`: not inside a word. */
export function isWordBoundary(text: string, index: number): boolean {
  if (index === 0) return true;
  const before = text.codePointAt(index - 1)!;
  // a low surrogate before means a non-BMP character; find its start
  const prevCp = before >= 0xdc00 && before <= 0xdfff && index >= 2 ? text.codePointAt(index - 2)! : before;
  const here = text.codePointAt(index)!;
  return !(classOf(prevCp) === CharClass.Word && classOf(here) === CharClass.Word);
}
