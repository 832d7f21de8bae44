import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const require = createRequire(import.meta.url);
const PACKAGE_DIR = dirname(require.resolve('linux-command/package.json'));
/** Where each command article lives in the package's repository: the 原文链接 of our reposts. */
export const LINUX_COMMAND_SOURCE = 'https://github.com/jaywcjlove/linux-command/blob/master/command/';
const packageSchema = z.object({ author: z.union([z.string(), z.object({ name: z.string() })]) });

/** The package author's name as package.json gives it, without the e-mail address. */
export function linuxCommandAuthor(): string {
  const { author } = packageSchema.parse(JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')));
  return (typeof author === 'string' ? author : author.name).replace(/\s*<[^>]*>\s*/, '').trim();
}

const dataSchema = z.record(z.string(), z.object({ n: z.string(), p: z.string(), d: z.string() }));

export interface LinuxCommand {
  name: string;
  description: string;
  /** First line of the article's synopsis block, when it has one. */
  usage: string;
  markdown: string;
  sourceUrl: string;
}

/** The usage line: first line of the first fenced block after a 语法/概要/用法 heading. */
export function usageOf(markdown: string): string {
  const section = /^#{2,3}\s*(语法|概要|用法|格式)[^\n]*\n+```[^\n]*\n([^\n]+)/m.exec(markdown);
  return section?.[2]?.trim() ?? '';
}

let cached: LinuxCommand[] | undefined;

/** Every command of the linux-command package with a readable article, sorted by name. */
export function linuxCommands(): LinuxCommand[] {
  if (cached) return cached;
  const data = dataSchema.parse(JSON.parse(readFileSync(join(PACKAGE_DIR, 'dist', 'data.json'), 'utf8')));
  const commands: LinuxCommand[] = [];
  for (const entry of Object.values(data)) {
    let markdown: string;
    try {
      markdown = readFileSync(join(PACKAGE_DIR, 'command', `${entry.p.replace(/^\//, '')}.md`), 'utf8');
    } catch {
      continue;
    }
    commands.push({ name: entry.n, description: entry.d.trim(), usage: usageOf(markdown), markdown, sourceUrl: `${LINUX_COMMAND_SOURCE}${entry.p.replace(/^\//, '')}.md` });
  }
  cached = commands.sort((a, b) => a.name.localeCompare(b.name));
  return cached;
}
