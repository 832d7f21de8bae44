import { parseAllDocuments } from 'yaml';
import { z } from 'zod';

/** Bodies larger than this are rejected rather than stored. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
const SITE_OFFSET = '+08:00';
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * The text with each lone surrogate (JSON can spell one: "\ud800") replaced by U+FFFD, as UTF-8
 * encoding replaces it: a body reaches the database as UTF-8 bytes from an import worker, or as a
 * string, and both must store the same valid text. (String.prototype.toWellFormed: ES2024, Node 20.)
 */
function wellFormed(text: string): string {
  return (text as unknown as { toWellFormed(): string }).toWellFormed();
}

/** ISO 8601 strings (date only means midnight, no zone means China time) or YAML dates. */
const publishedAt = z.union([z.string(), z.date()]).transform((value, ctx) => {
  let date: Date;
  if (value instanceof Date) {
    date = value;
  } else {
    const text = value.trim();
    const m = ISO_8601.exec(text);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `not an ISO 8601 date-time: ${JSON.stringify(text.slice(0, 40))}` });
      return z.NEVER;
    }
    const withTime = m[4] ? text.replace(' ', 'T') : `${text}T00:00:00`;
    date = new Date(m[7] ? withTime : `${withTime}${SITE_OFFSET}`);
  }
  const ms = date.getTime();
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'not a real date' });
    return z.NEVER;
  }
  if (ms < Date.UTC(1990, 0, 1) || ms > Date.now() + 86_400_000) {
    ctx.addIssue({ code: 'custom', message: 'must be between 1990 and today' });
    return z.NEVER;
  }
  return date;
});

const httpUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

const tagList = z
  .union([z.array(z.string()), z.string()])
  .transform((value) => (Array.isArray(value) ? value : value.split(/[,，]/)))
  .pipe(z.array(z.string().trim().min(1, 'empty tag name').max(50, 'tag name longer than 50 characters')).max(20, 'more than 20 tags'));

/** One article as an import file describes it. */
export const importRecordSchema = z
  .object({
    id: z.union([z.string().trim().min(1).max(200), z.number().int().positive()]).optional(),
    title: z.string({ error: 'required' }).trim().min(1, 'required').max(300, 'longer than 300 characters'),
    published_at: publishedAt,
    source_url: httpUrl.optional(),
    author: z.string().trim().max(100, 'longer than 100 characters').default(''),
    category: z.string({ error: 'required' }).trim().min(1, 'required'),
    tags: tagList.default([]),
    type: z.enum(['repost', 'original']).default('repost'),
    views: z.number().int('must be a whole number').min(0, 'must be 0 or more').default(0),
    summary: z.string().trim().max(1000, 'longer than 1000 characters').default(''),
    body: z
      .string({ error: 'required' })
      .min(1, 'required')
      // UTF-8 takes at most 3 bytes per UTF-16 unit: most bodies need no count of their bytes
      .refine((body) => body.length * 3 <= MAX_BODY_BYTES || Buffer.byteLength(body, 'utf8') <= MAX_BODY_BYTES, `larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`)
      .transform(wellFormed),
  })
  .superRefine((record, ctx) => {
    if (record.type === 'repost' && !record.source_url) {
      ctx.addIssue({ code: 'custom', path: ['source_url'], message: 'required for a repost (原文链接)' });
    }
  });

export type ImportRecord = z.output<typeof importRecordSchema>;

/** A record still to validate, with where it came from (path, path:line or path#index). */
export interface RawRecord {
  where: string;
  value: unknown;
}

export interface Rejection {
  where: string;
  field: string;
  reason: string;
}

/** Turns a zod failure into one rejection per field. */
export function rejectionsOf(where: string, error: z.ZodError): Rejection[] {
  return error.issues.map((issue) => ({ where, field: issue.path.join('.') || '(record)', reason: issue.message }));
}

/** Splits one file's text into raw records by its extension; unreadable parts become rejections. */
/** One line of a JSON Lines file: a record, a rejection, or nothing for a blank line. */
export function parseJsonLine(path: string, lineNumber: number, line: string): RawRecord | Rejection | undefined {
  if (!line.trim()) return undefined;
  try {
    return { where: `${path}:${lineNumber}`, value: JSON.parse(line) as unknown };
  } catch (error) {
    return { where: `${path}:${lineNumber}`, field: '(json)', reason: `invalid JSON: ${(error as Error).message}` };
  }
}

export function parseImportText(path: string, text: string): { records: RawRecord[]; rejections: Rejection[] } {
  const records: RawRecord[] = [];
  const rejections: Rejection[] = [];
  const lower = path.toLowerCase();
  if (lower.endsWith('.md') || lower.endsWith('.markdown')) {
    const match = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/.exec(text);
    if (!match) {
      rejections.push({ where: path, field: '(front matter)', reason: 'missing YAML front matter between --- lines' });
    } else {
      const docs = parseAllDocuments(match[1]!);
      const doc = Array.isArray(docs) ? docs[0] : undefined;
      if (!doc || doc.errors.length > 0) {
        const line = doc?.errors[0]?.linePos?.[0]?.line;
        rejections.push({ where: line ? `${path}:${line + 1}` : path, field: '(front matter)', reason: `invalid YAML: ${doc?.errors[0]?.message.split('\n')[0] ?? 'empty'}` });
      } else {
        let front: unknown;
        try {
          // toJS resolves aliases: an unknown anchor or an alias bomb throws here
          front = doc.toJS({ maxAliasCount: 100 });
        } catch (error) {
          rejections.push({ where: path, field: '(front matter)', reason: `invalid YAML: ${(error as Error).message.split('\n')[0]}` });
          return { records, rejections };
        }
        if (typeof front !== 'object' || front === null || Array.isArray(front)) {
          rejections.push({ where: path, field: '(front matter)', reason: 'front matter must be a mapping' });
        } else {
          records.push({ where: path, value: { ...front, body: match[2]! } });
        }
      }
    }
  } else if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) {
    text.split('\n').forEach((line, index) => {
      const parsed = parseJsonLine(path, index + 1, line);
      if (parsed && 'value' in parsed) records.push(parsed);
      else if (parsed) rejections.push(parsed);
    });
  } else if (lower.endsWith('.json')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) parsed.forEach((value, index) => records.push({ where: `${path}#${index}`, value }));
      else records.push({ where: path, value: parsed });
    } catch (error) {
      rejections.push({ where: path, field: '(json)', reason: `invalid JSON: ${(error as Error).message}` });
    }
  } else {
    rejections.push({ where: path, field: '(file)', reason: 'unsupported file type (use .md, .json or .jsonl)' });
  }
  return { records, rejections };
}
