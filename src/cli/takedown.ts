import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { TakedownError } from '../content/takedown.js';
import { openDatabase } from '../db/open.js';
import { createServices } from '../services.js';

const USAGE = `usage: npm run takedown -- <command>
  list                       every request, newest first
  show N                     one request with the article's audit trail
  approve N [--note "…"]     remove the article of request N (410, out of search/lists/feeds)
  reject N --reason "…"      turn request N down
  restore ID [--note "…"]    put a removed article back`;

function main(argv: string[]): number {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { reason: { type: 'string' }, note: { type: 'string' } } });
  const [command, arg] = positionals;
  const number = Number(arg);
  const needsNumber = command !== 'list';
  if (!command || !['list', 'show', 'approve', 'reject', 'restore'].includes(command) || (needsNumber && !(Number.isInteger(number) && number > 0))) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (command === 'reject' && !values.reason?.trim()) {
    process.stderr.write('reject needs --reason "…"\n');
    return 2;
  }
  const config = loadConfig(process.env);
  const db = openDatabase(config.DATABASE_PATH);
  try {
    const { takedown } = createServices(db);
    const out = (line: string) => process.stdout.write(`${line}\n`);
    switch (command) {
      case 'list': {
        const rows = takedown.list();
        if (rows.length === 0) out('no takedown requests');
        for (const r of rows) out(`#${r.id}\t${r.status}\tarticle ${r.article_id}\t${r.created_at}\t${r.claimant} <${r.email}>`);
        break;
      }
      case 'show': {
        const found = takedown.show(number);
        if (!found) throw new TakedownError(`no request #${number}`);
        const { request, article, audit } = found;
        out(`request #${request.id} (${request.status})`);
        out(`article:  ${request.article_id} ${article ? `${article.title} [${article.status}]` : '(missing)'}`);
        out(`claimant: ${request.claimant} <${request.email}>`);
        out(`filed:    ${request.created_at}`);
        out(`reason:   ${request.reason}`);
        if (request.decided_at) out(`decided:  ${request.decided_at} ${request.decision_note ?? ''}`);
        out('audit:');
        for (const a of audit) out(`  ${a.at}\t${a.action}${a.request_id ? ` (#${a.request_id})` : ''}${a.note ? `\t${a.note}` : ''}`);
        break;
      }
      case 'approve':
        out(`approved #${number}: article ${takedown.approve(number, values.note ?? null)} is removed`);
        break;
      case 'reject':
        takedown.reject(number, values.reason!.trim());
        out(`rejected #${number}`);
        break;
      case 'restore':
        takedown.restore(number, values.note ?? null);
        out(`restored article ${number}`);
        break;
    }
    return 0;
  } catch (error) {
    if (error instanceof TakedownError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    db.close();
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`takedown failed: ${(error as Error).message}\n`);
  process.exitCode = 2;
}
