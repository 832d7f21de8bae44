import { normalizeText } from './normalize.js';

/** Longest query we read, in characters; the rest is ignored (and the page says so). */
export const MAX_QUERY_LENGTH = 200;
/** Most terms (included plus excluded) we evaluate. */
export const MAX_TERMS = 12;

export interface Term {
  /** Normalised text as typed. */
  text: string;
  /** Normalised alternatives that also satisfy the term (tag aliases: k8s -> kubernetes). */
  alternatives: string[];
}

export interface ParsedQuery {
  include: Term[];
  exclude: Term[];
  /** True when the input was cut to MAX_QUERY_LENGTH or MAX_TERMS. */
  truncated: boolean;
}

export interface ParseOptions {
  /** Normalised alias -> normalised canonical tag name. */
  aliases?: ReadonlyMap<string, string>;
}

// A term: optional '-', then a quoted phrase (closing quote optional) or a run of non-space.
const TERM = /(-?)(?:"([^"]*)"?|(\S+))/gu;

/**
 * Parses a raw query: white space separates terms (all must match), "..." keeps a phrase together,
 * a leading - excludes. Everything else is literal text; no operator syntax survives.
 */
export function parseQuery(raw: string, options: ParseOptions = {}): ParsedQuery {
  let input = raw.replace(/[\p{Cc}\p{Cf}]/gu, ' ');
  let truncated = false;
  const chars = Array.from(input);
  if (chars.length > MAX_QUERY_LENGTH) {
    input = chars.slice(0, MAX_QUERY_LENGTH).join('');
    truncated = true;
  }
  const include: Term[] = [];
  const exclude: Term[] = [];
  const seen = new Set<string>();
  for (const match of input.matchAll(TERM)) {
    const negated = match[1] === '-';
    const text = normalizeText(match[2] ?? match[3] ?? '');
    if (!text || (text === '-' && !match[2])) continue;
    const key = `${negated ? '-' : '+'}${text}`;
    if (seen.has(key)) continue;
    if (include.length + exclude.length >= MAX_TERMS) {
      truncated = true;
      break;
    }
    seen.add(key);
    const canonical = options.aliases?.get(text);
    const term: Term = { text, alternatives: canonical && canonical !== text ? [canonical] : [] };
    (negated ? exclude : include).push(term);
  }
  return { include, exclude, truncated };
}

/** Every string that satisfies a term. */
export function termVariants(term: Term): string[] {
  return [term.text, ...term.alternatives];
}
