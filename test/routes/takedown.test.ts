import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/open.js';
import { articleRecord, buildTestApp, testConfig, TEST_POEMS } from '../helpers.js';

let app: FastifyInstance;
let articleId: number;
beforeEach(async () => {
  app = await buildTestApp({ records: [articleRecord({ title: '将被下架的文章', body: '独特词语甲乙丙。', source_url: 'https://example.com/victim' }), articleRecord()] });
  articleId = app.services.articles.byExternalKey('https://example.com/victim')!.id;
});
afterEach(() => app.close());

async function openForm(id = articleId) {
  const res = await app.inject({ url: `/takedown?article=${id}` });
  const token = /name="_csrf" value="([^"]+)"/.exec(res.body)![1]!;
  const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return { res, token, cookie };
}

function post(form: Record<string, string>, cookie: string, remoteAddress = '10.0.0.1') {
  return app.inject({ method: 'POST', url: '/takedown', payload: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, remoteAddress });
}

const good = (token: string, id = articleId) => ({ _csrf: token, article: String(id), claimant: '张三', email: 'zhang@example.com', reason: '这是我本人写的文章，未经许可转载。', good_faith: 'yes' });

describe('takedown form', () => {
  it('shows the article and a CSRF token, and files a request with a number', async () => {
    const { res, token, cookie } = await openForm();
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('将被下架的文章');
    expect(res.headers['cache-control']).toBe('no-store');
    const done = await post(good(token), cookie);
    expect(done.statusCode).toBe(200);
    const number = Number(/class="request-number">(\d+)</.exec(done.body)![1]);
    expect(app.services.takedown.show(number)!.request).toMatchObject({ article_id: articleId, status: 'pending', claimant: '张三' });
  });

  it('re-shows the form with every message and the typed values when fields are invalid', async () => {
    const { token, cookie } = await openForm();
    const res = await post({ _csrf: token, article: String(articleId), claimant: '', email: 'not-an-email', reason: '短', good_faith: '' }, cookie);
    expect(res.statusCode).toBe(400);
    for (const message of ['请填写你的姓名或机构名称', '请填写有效的邮箱地址', '请至少用 10 个字说明理由', '请确认善意声明']) expect(res.body).toContain(message);
    expect(res.body).toContain('value="not-an-email"');
    expect(res.body).toContain('>短</textarea>');
  });

  it('refuses a post without a valid CSRF token but keeps what was typed', async () => {
    const { token } = await openForm();
    const res = await post(good(token), '');
    expect(res.statusCode).toBe(403);
    expect(res.body, res.body.slice(res.body.indexOf('<main'), res.body.indexOf('<main') + 800)).toContain('表单已过期');
    expect(res.body).toContain('这是我本人写的文章');
    expect(app.services.takedown.list()).toHaveLength(0);
  });

  it('answers 404 for an unknown article and 400 for a bad id or an oversize body', async () => {
    expect((await app.inject({ url: '/takedown?article=999999' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/takedown?article=abc' })).statusCode).toBe(400);
    const { token, cookie } = await openForm();
    const huge = await post({ ...good(token), reason: 'x'.repeat(20_000) }, cookie);
    expect(huge.statusCode).toBe(413);
    const json = await app.inject({ method: 'POST', url: '/takedown', payload: '{"a":1}', headers: { 'content-type': 'application/json', cookie } });
    expect(json.statusCode).toBeGreaterThanOrEqual(400);
    expect(json.statusCode).toBeLessThan(500);
  });

  it('rate-limits posts per client with a friendly 429', async () => {
    const { token, cookie } = await openForm();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await post(good(token), cookie, '10.9.9.9')).statusCode);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const limited = await post(good(token), cookie, '10.9.9.9');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.body).toContain('请求太频繁');
  });
});

describe('takedown workflow', () => {
  it('approving removes the article everywhere, restoring brings it back, every step audited', async () => {
    const requestId = app.services.takedown.file({ articleId, claimant: 'A', email: 'a@example.com', reason: '权利人要求下架' });
    const searchTotal = async () => (await app.inject({ url: '/api/search?q=' + encodeURIComponent('甲乙丙') })).json<{ total: number }>().total;
    expect(await searchTotal()).toBe(1);
    app.services.takedown.approve(requestId, '核实通过');
    expect((await app.inject({ url: `/articles/${articleId}` })).statusCode).toBe(410);
    expect(await searchTotal()).toBe(0);
    expect((await app.inject({ url: '/' })).body).not.toContain(`/articles/${articleId}"`);
    expect(() => app.services.takedown.approve(requestId)).toThrow(/已经处理过/);
    app.services.takedown.restore(articleId, '误判');
    expect((await app.inject({ url: `/articles/${articleId}` })).statusCode).toBe(200);
    expect(await searchTotal()).toBe(1);
    expect(app.services.takedown.show(requestId)!.audit.map((a) => a.action)).toEqual(['filed', 'approved', 'restored']);
  });

  it('the CLI lists, shows, approves, rejects and restores against a database file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xunwen-takedown-'));
    const dbPath = join(dir, 't.db');
    const db = openDatabase(dbPath);
    const fileApp = await buildApp({ config: testConfig({ DATABASE_PATH: dbPath }), db, services: { poems: TEST_POEMS } });
    fileApp.services.importer.importRecords([articleRecord({ source_url: 'https://example.com/cli-1' }), articleRecord({ source_url: 'https://example.com/cli-2' })]);
    const first = fileApp.services.articles.byExternalKey('https://example.com/cli-1')!.id;
    const second = fileApp.services.articles.byExternalKey('https://example.com/cli-2')!.id;
    const r1 = fileApp.services.takedown.file({ articleId: first, claimant: 'A', email: 'a@example.com', reason: '理由一二三四五六七八' });
    const r2 = fileApp.services.takedown.file({ articleId: second, claimant: 'B', email: 'b@example.com', reason: '理由一二三四五六七八' });
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', '..', 'src', 'cli', 'takedown.ts'), ...args], { env: { ...process.env, DATABASE_PATH: dbPath } });
    expect((await cli('list')).stdout).toContain(`#${r1}\tpending\tarticle ${first}`);
    expect((await cli('approve', String(r1), '--note', '已核实')).stdout).toContain(`article ${first} is removed`);
    // the running server sees the other process's change at once
    expect((await fileApp.inject({ url: `/articles/${first}` })).statusCode).toBe(410);
    expect((await fileApp.inject({ url: '/api/search?q=' + encodeURIComponent('宿主机') })).json<{ results: Array<{ id: number }> }>().results.map((r) => r.id)).not.toContain(first);
    await expect(cli('reject', String(r2))).rejects.toMatchObject({ code: 2 });
    expect((await cli('reject', String(r2), '--reason', '证据不足')).stdout).toContain(`rejected #${r2}`);
    const shown = (await cli('show', String(r1))).stdout;
    expect(shown).toMatch(/filed[\s\S]*approved \(#\d+\)\t已核实/);
    expect((await cli('restore', String(first))).stdout).toContain(`restored article ${first}`);
    expect((await fileApp.inject({ url: `/articles/${first}` })).statusCode).toBe(200);
    await fileApp.close();
    db.close();
  });
});
