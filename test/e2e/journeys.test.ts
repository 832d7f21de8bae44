import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openDatabase, type Db } from '../../src/db/open.js';
import { testConfig, TEST_POEMS } from '../helpers.js';
import { browserAvailable, launchBrowser } from './browser.js';

const SHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');
const enabled = browserAvailable();

describe.runIf(enabled)('reader journeys in Chromium', () => {
  let app: FastifyInstance;
  let db: Db;
  let dbPath: string;
  let browser: Browser;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    // a database file, so the takedown CLI (another process) can act on what the browser sees
    dbPath = join(mkdtempSync(join(tmpdir(), 'xunwen-e2e-')), 'e2e.db');
    db = openDatabase(dbPath);
    app = await buildApp({ config: testConfig({ LOAD_DEMO: 'auto', DATABASE_PATH: dbPath }), db, services: { poems: TEST_POEMS } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchBrowser();
    page = await browser.newPage();
    mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    db?.close();
  });

  it('home -> click a hot tag -> that tag’s articles', async () => {
    await page.goto(`${base}/`);
    const link = page.locator('.hot-tags .tag-cloud a').first();
    const name = (await link.textContent())!.trim();
    await link.click();
    await expect.poll(() => page.locator('h1').textContent()).toContain(`「${name}」标签的文章`);
    const items = page.locator('li.result');
    expect(await items.count()).toBeGreaterThan(0);
    for (const tags of await items.locator('.result-meta').allTextContents()) expect(tags).toContain(name);
  });

  it('search with a 栏目 selected -> results only from it, q kept in the box', async () => {
    await page.goto(`${base}/`);
    await page.fill('#q-side', 'java');
    await page.selectOption('#category-side', 'backend-frameworks');
    await page.click('.sidebar .search-box button');
    await page.waitForURL(/\/search\?q=java&category=backend-frameworks/);
    const categories = await page.locator('li.result .cat').allTextContents();
    expect(categories.length).toBeGreaterThan(0);
    expect(new Set(categories)).toEqual(new Set(['后端WEB和工程框架']));
    expect(await page.inputValue('#q-main')).toBe('java');
    expect(await page.locator('li.result mark').count()).toBeGreaterThan(0);
    // the 栏目 switch keeps the query
    await page.click('.category-switch a:has-text("全部")');
    await page.waitForURL(/\/search\?q=java$/);
    expect(await page.locator('li.result').count()).toBeGreaterThan(categories.length > 19 ? 19 : categories.length);
  });

  it('open an article -> attribution and takedown notice visible', async () => {
    await page.goto(`${base}/search?q=tar`);
    await page.locator('li.result .result-title a').first().click();
    await page.waitForURL(/\/articles\/\d+$/);
    await expect.poll(() => page.locator('.attribution').isVisible()).toBe(true);
    expect(await page.locator('.attribution').textContent()).toContain('原文链接');
    expect(await page.locator('.takedown-notice').isVisible()).toBe(true);
    expect(await page.locator('.takedown-notice a').getAttribute('href')).toMatch(/^\/takedown\?article=\d+$/);
  });

  it('archive month -> its articles', async () => {
    await page.goto(`${base}/`);
    const month = page.locator('.months .month-list a').first();
    const label = (await month.textContent())!.trim();
    await month.click();
    await expect.poll(() => page.locator('h1').textContent()).toBe(`${label}的文章`);
    const [year, monthNumber] = label.match(/\d+/g)!.map(Number);
    const times = await page.locator('li.result time').allTextContents();
    expect(times.length).toBeGreaterThan(0);
    for (const t of times) expect(t.startsWith(`${year}-${String(monthNumber).padStart(2, '0')}`)).toBe(true);
  });

  it('file a takedown in the form, approve it with the CLI: 410 and gone from search; restore brings it back', async () => {
    const target = app.services.articles.byExternalKey('https://github.com/jaywcjlove/linux-command/blob/master/command/tar.md')!.id;
    await page.goto(`${base}/articles/${target}`);
    await page.click('.takedown-notice a');
    await page.fill('#claimant', '测试权利人');
    await page.fill('#email', 'owner@example.com');
    await page.fill('#reason', '这篇文章是我写的，请不要转载。');
    await page.check('#good_faith');
    await page.click('.takedown-form button[type=submit]');
    const number = (await page.locator('.request-number').textContent())!.trim();
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', '..', 'src', 'cli', 'takedown.ts'), ...args], { env: { ...process.env, DATABASE_PATH: dbPath } });
    await cli('approve', number);
    const gone = await page.goto(`${base}/articles/${target}`);
    expect(gone!.status()).toBe(410);
    await page.goto(`${base}/search?q=tar`);
    expect(await page.locator(`li.result a[href="/articles/${target}"]`).count()).toBe(0);
    await cli('restore', String(target));
    expect((await page.goto(`${base}/articles/${target}`))!.status()).toBe(200);
  });

  it('adds the OpenSearch engine the page advertises and searches with it; follows a feed entry to its article', async () => {
    await page.goto(`${base}/`);
    const descriptionUrl = await page.locator('link[rel="search"][type="application/opensearchdescription+xml"]').getAttribute('href');
    const template = await page.evaluate(async (url) => {
      const xml = new DOMParser().parseFromString(await (await fetch(url)).text(), 'application/xml');
      return xml.querySelector('Url[type="text/html"]')!.getAttribute('template')!;
    }, descriptionUrl!);
    // the description names the configured public origin; this test server listens elsewhere
    const searchUrl = new URL(template.replace('{searchTerms}', encodeURIComponent('容器')));
    await page.goto(`${base}${searchUrl.pathname}${searchUrl.search}`);
    expect(await page.locator('h1').textContent()).toBe('「容器」的搜索结果');
    expect(await page.locator('li.result').count()).toBeGreaterThan(0);

    await page.goto(`${base}/`);
    const feedUrl = await page.locator('link[rel="alternate"][type="application/atom+xml"]').getAttribute('href');
    const entry = await page.evaluate(async (url) => {
      const xml = new DOMParser().parseFromString(await (await fetch(url)).text(), 'application/xml');
      const first = xml.querySelector('entry')!;
      return { title: first.querySelector('title')!.textContent!, href: first.querySelector('link[rel="alternate"]')!.getAttribute('href')! };
    }, feedUrl!);
    await page.goto(`${base}${new URL(entry.href).pathname}`);
    expect(await page.locator('article h1').textContent()).toBe(entry.title);
  });

  it('reads well on a phone and a desktop: no sideways scrolling, sidebar below content on a phone', async () => {
    for (const [width, height] of [[390, 844], [1280, 900]] as const) {
      const context = await browser.newContext({ viewport: { width, height } });
      const p = await context.newPage();
      for (const [name, url] of [['home', '/'], ['search', '/search?q=' + encodeURIComponent('容器 网络')], ['article', '/articles/1']] as const) {
        await p.goto(`${base}${url}`);
        expect(await p.evaluate(() => document.documentElement.scrollWidth), `${name} at ${width}px`).toBeLessThanOrEqual(width);
        await p.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
      }
      await p.goto(`${base}/`);
      const main = (await p.locator('main').boundingBox())!;
      const aside = (await p.locator('aside.sidebar').boundingBox())!;
      if (width < 800) expect(aside.y).toBeGreaterThanOrEqual(main.y + main.height - 1);
      else expect(aside.x).toBeGreaterThan(main.x + main.width - 1);
      await context.close();
    }
  });

  it('has no serious accessibility violations on the home, search and article pages (axe-core)', async () => {
    const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
    // our CSP rightly refuses injected scripts; the audit needs to inject one
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    for (const url of ['/', '/search?q=docker', '/articles/1', '/takedown?article=1']) {
      await page.goto(`${base}${url}`);
      await page.addScriptTag({ path: axePath });
      const violations = await page.evaluate(async () => {
        // @ts-expect-error axe is injected above
        const result = await window.axe.run(document, { resultTypes: ['violations'] });
        return result.violations.filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical').map((v: { id: string; nodes: unknown[] }) => `${v.id} (${v.nodes.length})`);
      });
      expect(violations, url).toEqual([]);
    }
    await context.close();
  });

  it('the page script sends a view beacon that CSP allows and the counter records', async () => {
    const context = await browser.newContext({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36' });
    const reader = await context.newPage();
    const errors: string[] = [];
    reader.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    const id = app.services.articles.latest(0, 1)[0]!.id;
    const before = app.services.articles.byId(id)!.views;
    const beacon = reader.waitForRequest((request) => request.url().endsWith(`/articles/${id}/view`) && request.method() === 'POST');
    await reader.goto(`${base}/articles/${id}`);
    await beacon;
    await expect.poll(() => app.services.views.pendingCount()).toBeGreaterThan(0);
    app.services.views.flush();
    expect(app.services.articles.byId(id)!.views).toBe(before + 1);
    expect(errors).toEqual([]);
    await context.close();
  });
});
