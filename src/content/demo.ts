import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CONTENT_DIR } from '../paths.js';
import { linuxCommandAuthor, linuxCommands, type LinuxCommand } from './linux-command.js';
import type { Importer, ImportSummary } from './importer.js';
import { parseImportText, type RawRecord } from './records.js';

// Shell built-ins and scripting tools get the Shell tag besides Linux.
const SHELL_COMMANDS = new Set(
  'alias bg bind builtin caller cd command compgen complete declare dirs disown echo enable eval exec exit export fc fg getopts hash help history jobs kill let local logout popd printf pushd pwd read readonly return set shift shopt source suspend test times trap type typeset ulimit umask unalias unset wait bash sh awk sed xargs expr seq tee'.split(' '),
);
const SPAN_START = Date.UTC(2019, 0, 1) / 1000;
const SPAN_SECONDS = Date.UTC(2025, 9, 31) / 1000 - SPAN_START;

/** A stable pseudo-random fraction for a name, so the demo dates are the same on every machine. */
function fractionOf(name: string): number {
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 16777619);
  return (hash >>> 0) / 4294967296;
}

/** A linux-command article as a repost record. */
export function commandRecord(command: LinuxCommand, author = linuxCommandAuthor()): RawRecord {
  // the package's article starts with the command name as a setext heading: the page shows the title
  const body = command.markdown.replace(/^\s*[^\n]+\n=+\s*\n/, '').trim();
  const tags = ['Linux'];
  if (SHELL_COMMANDS.has(command.name)) tags.push('Shell');
  if (command.name === 'docker') tags.push('Docker');
  if (command.name === 'kubectl') tags.push('Kubernetes');
  const publishedTs = SPAN_START + Math.floor(fractionOf(command.name) * SPAN_SECONDS);
  return {
    where: command.sourceUrl,
    value: {
      title: `${command.name} 命令：${command.description.replace(/[。.]$/, '')}`,
      published_at: new Date(publishedTs * 1000).toISOString(),
      source_url: command.sourceUrl,
      author,
      category: 'systems-containers',
      tags,
      type: 'repost',
      summary: command.description,
      body: body || command.description,
    },
  };
}

function markdownFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** Every demo record: linux-command reposts, then our originals in content/originals. */
export function demoRecords(contentDir = CONTENT_DIR): { records: RawRecord[]; problems: string[] } {
  const author = linuxCommandAuthor();
  const records = linuxCommands().map((command) => commandRecord(command, author));
  const problems: string[] = [];
  for (const path of markdownFiles(join(contentDir, 'originals'))) {
    const parsed = parseImportText(path, readFileSync(path, 'utf8'));
    records.push(...parsed.records);
    problems.push(...parsed.rejections.map((r) => `${r.where}: ${r.field}: ${r.reason}`));
  }
  return { records, problems };
}

/** Loads the demo corpus (idempotent: unchanged records are skipped by content hash). */
export function loadDemo(importer: Importer): ImportSummary & { problems: string[] } {
  const { records, problems } = demoRecords();
  return { ...importer.importRecords(records), problems };
}
