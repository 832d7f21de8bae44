import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CONTENT_DIR } from '../paths.js';

const poemSchema = z.object({ line: z.string().min(1), poet: z.string().min(1), title: z.string().min(1) });
export type Poem = z.infer<typeof poemSchema>;

/** The curated classical lines of the 时光飞逝 widget (content/poems.json). */
export function loadPoems(path = join(CONTENT_DIR, 'poems.json')): Poem[] {
  return z.array(poemSchema).min(1).parse(JSON.parse(readFileSync(path, 'utf8')));
}
