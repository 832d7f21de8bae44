import { normalizeWithMap } from './normalize.js';
import { occurrences } from './match.js';

export const SNIPPET_LENGTH = 140;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);
}

interface Hit {
  start: number;
  end: number;
  term: number;
}

/** Finds every occurrence of every term (each given as its normalised variants) in a text. */
function findHits(normalized: string, terms: readonly string[][]): Hit[] {
  const hits: Hit[] = [];
  terms.forEach((variants, term) => {
    for (const variant of variants) {
      for (const [start, end] of occurrences(variant, normalized)) hits.push({ start, end, term });
    }
  });
  return hits.sort((a, b) => a.start - b.start || b.end - a.end);
}

/** Wraps hits inside [from, to) of the display text in <mark>, escaping everything else. */
function markRange(display: string, origin: number[], hits: Hit[], from: number, to: number): string {
  let html = '';
  let cursor = from;
  for (const hit of hits) {
    const start = origin[hit.start]!;
    const end = origin[hit.end] ?? display.length;
    if (start < cursor || end > to) continue;
    html += escapeHtml(display.slice(cursor, start)) + '<mark>' + escapeHtml(display.slice(start, end)) + '</mark>';
    cursor = end;
  }
  // adjacent hits read as one highlighted run
  return (html + escapeHtml(display.slice(cursor, to))).replaceAll('</mark><mark>', '');
}

/** The whole text, escaped, with every term occurrence marked (titles). */
export function highlightAll(text: string, terms: readonly string[][]): string {
  const mapped = normalizeWithMap(text);
  return markRange(text, mapped.origin, findHits(mapped.text, terms), 0, text.length);
}

/**
 * About SNIPPET_LENGTH characters of `text` around the window holding the most distinct terms
 * (then the most hits), escaped, matches in <mark>, '…' where cut.
 */
export function buildSnippet(text: string, terms: readonly string[][], length = SNIPPET_LENGTH): string {
  const mapped = normalizeWithMap(text);
  const { origin } = mapped;
  const display = text;
  const hits = findHits(mapped.text, terms);
  let bestStart = 0;
  if (hits.length > 0) {
    let bestScore = -1;
    for (let i = 0; i < hits.length; i++) {
      const windowStart = origin[hits[i]!.start]!;
      const distinct = new Set<number>();
      let count = 0;
      for (let j = i; j < hits.length && origin[hits[j]!.end]! - windowStart <= length; j++) {
        distinct.add(hits[j]!.term);
        count++;
      }
      const score = distinct.size * 1000 + count;
      if (score > bestScore) {
        bestScore = score;
        bestStart = windowStart;
      }
    }
    // show a little context before the first hit
    bestStart = Math.max(0, bestStart - Math.floor(length / 5));
  }
  let end = Math.min(display.length, bestStart + length);
  // keep surrogate pairs whole
  if (end < display.length && /[\uD800-\uDBFF]/.test(display[end - 1] ?? '')) end--;
  if (bestStart > 0 && /[\uDC00-\uDFFF]/.test(display[bestStart] ?? '')) bestStart++;
  const body = markRange(display, origin, hits, bestStart, end);
  return (bestStart > 0 ? '…' : '') + body + (end < display.length ? '…' : '');
}
