import { describe, expect, it } from 'vitest';
import { articleRecord, buildTestApp } from '../helpers.js';

const SOURCE_URL = 'https://example.com/posts/render-on-view';
const BODY = [
  '开头一段。',
  '## 安装 Docker',
  '```bash\nsudo apt-get install docker.io\n```',
  '## 配置网络',
  '正文。',
  '### 细节',
  '更多正文。',
].join('\n\n');

const bodyOf = (page: string) => page.slice(page.indexOf('<div class="article-body">'), page.indexOf('</div>', page.indexOf('<div class="article-body">')));

describe('article pages render Markdown when viewed', () => {
  it('shows highlighted code, heading anchors and a table of contents', async () => {
    const app = await buildTestApp({ records: [articleRecord({ source_url: SOURCE_URL, body: BODY })] });
    try {
      const id = app.services.articles.byExternalKey(SOURCE_URL)!.id;
      const res = await app.inject({ url: `/articles/${id}` });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<h2 id="安装-docker">安装 Docker</h2>');
      expect(res.body).toContain('<h3 id="细节">细节</h3>');
      expect(res.body).toContain('<pre tabindex="0"><code class="hljs language-bash">');
      expect(res.body).toMatch(/<span class="hljs-[\w-]+">/);
      expect(res.body).toContain('<nav class="toc-box" aria-label="目录"><h2>目录</h2><ol class="toc">');
      expect(res.body).toContain(`<li class="toc-l2"><a href="#${encodeURIComponent('安装-docker')}">安装 Docker</a></li>`);
      expect(res.body).toContain('<li class="toc-l3"><a href="#%E7%BB%86%E8%8A%82">细节</a></li>');
    } finally {
      await app.close();
    }
  });

  it('shows the new body after the same source_url is re-imported with a changed body', async () => {
    const app = await buildTestApp({ records: [articleRecord({ source_url: SOURCE_URL, body: BODY })] });
    try {
      const id = app.services.articles.byExternalKey(SOURCE_URL)!.id;
      expect((await app.inject({ url: `/articles/${id}` })).body).toContain('安装 Docker');
      const summary = app.services.importer.importRecords([articleRecord({ source_url: SOURCE_URL, body: '## 全新的小节\n\n改写后的正文。\n' })]);
      expect(summary.updated).toBe(1);
      expect(app.services.articles.byExternalKey(SOURCE_URL)!.id).toBe(id);
      const res = await app.inject({ url: `/articles/${id}` });
      expect(res.statusCode).toBe(200);
      expect(bodyOf(res.body)).toContain('<h2 id="全新的小节">全新的小节</h2>');
      expect(res.body).not.toContain('安装 Docker');
      // one heading: no table of contents any more
      expect(res.body).not.toContain('class="toc-box"');
    } finally {
      await app.close();
    }
  });

  it('an imported hostile body is shown without scripts or event handlers', async () => {
    const body = [
      '<script>alert(1)</script>',
      '<img src="x" onerror="alert(1)">',
      '<a href="javascript:alert(1)">js</a>',
      '<svg onload="alert(1)"><circle r="1"/></svg>',
      '<iframe src="https://evil.example"></iframe>',
      '<p onmouseover="alert(1)">hover</p>',
      '[md-js](javascript:alert(1)) ![px](data:image/png;base64,iVBORw0KGgo=)',
      '```js" onmouseover="alert(1)\nx\n```',
    ].join('\n\n');
    const app = await buildTestApp({ records: [articleRecord({ source_url: SOURCE_URL, body })] });
    try {
      const id = app.services.articles.byExternalKey(SOURCE_URL)!.id;
      const res = await app.inject({ url: `/articles/${id}` });
      expect(res.statusCode).toBe(200);
      const article = bodyOf(res.body);
      expect(article).toContain('hover');
      expect(article).not.toMatch(/<script|<iframe|<svg|<object|<embed/i);
      expect(article).not.toMatch(/\son\w+\s*=/i);
      expect(article).not.toMatch(/(href|src)\s*=\s*["']?\s*(javascript|data):/i);
      // the only scripts on the page are the site's own files and JSON-LD
      expect(res.body).not.toMatch(/<script(?![^>]*(src="\/static\/|type="application\/ld\+json"))/);
    } finally {
      await app.close();
    }
  });
});
