import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractPlainText, headingSlug } from '../../src/content/markdown.js';
import { renderMarkdown } from '../../src/content/render-markdown.js';

const XSS = `
<script>alert(1)</script>
<img src="x" onerror="alert(1)">
<a href="javascript:alert(1)">js</a> <a href="JaVaScRiPt:alert(1)">js2</a>
<a href="data:text/html;base64,PHNjcmlwdD4=">data</a>
[md-js](javascript:alert(1))
<svg onload="alert(1)"><circle r="1"/></svg>
<iframe src="https://evil.example"></iframe>
<div style="background:url(javascript:alert(1))" onclick="alert(1)">x</div>
<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>
<object data="x"></object><embed src="x"><form action="/x"><input></form>
<p onmouseover="alert(1)">hover</p>
`;

describe('renderMarkdown', () => {
  it('removes every script vector', () => {
    const { html } = renderMarkdown(XSS);
    expect(html).not.toMatch(/<script|<iframe|<svg|<object|<embed|<form|<style|<math/i);
    expect(html).not.toMatch(/\son\w+\s*=/i);
    // markdown-it leaves a refused [link](javascript:...) as plain text, which is harmless; no attribute may carry it
    expect(html).not.toMatch(/(href|src|action)\s*=\s*["']?\s*(javascript|data):/i);
    expect(html).toContain('hover');
  });

  it('refuses data: and javascript: URLs in Markdown syntax too', () => {
    const { html } = renderMarkdown('![px](data:image/png;base64,iVBORw0KGgo=) [a](javascript:alert(1)) [b](vbscript:x) ![ok](/static/x.png)');
    expect(html).not.toMatch(/(href|src)="(data|javascript|vbscript):/i);
    expect(html).toContain('<img src="/static/x.png" alt="ok" loading="lazy">');
  });

  it('keeps odd code-fence languages out of attributes', () => {
    const { html } = renderMarkdown('```js" onmouseover="alert(1)\nx\n```');
    expect(html).not.toContain('onmouseover="');
    expect(html).toMatch(/<pre tabindex="0"><code class="hljs language-[\w-]+">/);
  });

  it('marks external links nofollow noopener', () => {
    const { html } = renderMarkdown('[外链](https://example.com/a) [站内](/articles/1)');
    expect(html).toMatch(/<a href="https:\/\/example\.com\/a" rel="nofollow noopener noreferrer">外链<\/a>/);
    expect(html).toContain('<a href="/articles/1">站内</a>');
  });

  it('turns bare web and mail addresses into links, and leaves prose without one alone', () => {
    const html = renderMarkdown('见 https://example.org/a 和 www.example.com，或 http://localhost:3000/ 或写信给 ops@example.net。\n\n纯中文段落，没有链接。').html;
    expect(html).toContain('<a href="https://example.org/a"');
    expect(html).toContain('<a href="http://www.example.com"');
    expect(html).toContain('<a href="http://localhost:3000/"');
    expect(html).toContain('<a href="mailto:ops@example.net"');
    expect(html).toContain('<p>纯中文段落，没有链接。</p>');
  });

  it('highlights code on the server and keeps the language', () => {
    const { html, plainText } = renderMarkdown('```go\nfunc main() {}\n```');
    expect(html).toContain('class="hljs language-go"');
    expect(html).toContain('<span class="hljs-keyword">func</span>');
    expect(plainText).toContain('func main() {}');
  });

  it('gives headings anchors and long articles a table of contents', () => {
    const { html, tocHtml } = renderMarkdown('## 安装\n\n文字\n\n## 配置 Nginx\n\n### 细节\n\n## 安装\n');
    expect(html).toContain('<h2 id="安装">');
    expect(html).toContain('<h2 id="配置-nginx">');
    expect(html).toContain('<h2 id="安装-2">');
    expect(tocHtml).toContain('href="#%E5%AE%89%E8%A3%85-2"');
    expect(renderMarkdown('## 只有一个\n').tocHtml).toBe('');
  });

  it('derives plain text from the same parse, without markup', () => {
    const { plainText } = renderMarkdown('# 标题\n\n**粗体** 与 `code` 和 [链接](https://x.org)\n\n- 列表项');
    expect(plainText).toBe('标题\n粗体 与 code 和 链接\n列表项');
  });

  it('slugs headings readably', () => {
    expect(headingSlug('C++ 与 Go：对比')).toBe('c-与-go-对比');
  });
});

describe('extractPlainText', () => {
  const SOURCES = [
    '# 标题\n\n**粗体** 与 `code` 和 [链接](https://x.org)\n\n- 列表项',
    '## 安装\n\n文字\n\n## 配置 Nginx\n\n### 细节\n\n## 安装\n',
    '```go\nfunc main() {}\n```\n\n```\n无语言\n```\n\n    缩进代码\n',
    '1. 第一\n2. 第二\n   - 嵌套 *强调*\n\n> 引用 ![图片](/static/x.png "标题")\n\n| 列 | 值 |\n|:--|--:|\n| a | `b` |\n',
    '<div class="x"><p>原始 <b>HTML</b> 块</p></div>\n\n段落里有 <span>内联 HTML</span> 和 <br> 换行\n',
    XSS,
    '',
    '中文段落，带有 https://example.com/自动链接 与 <kbd>Ctrl</kbd>。\n\n---\n\n尾声  \n硬换行',
  ];

  it('reduces raw HTML blocks to their text', () => {
    expect(extractPlainText('<div class="x"><p>原始 <b>HTML</b> 块</p><script>x()</script></div>\n\n段落')).toBe('原始 HTML 块\n段落');
  });

  it('gives exactly the plain text of renderMarkdown, without rendering', () => {
    for (const source of SOURCES) expect(extractPlainText(source), source).toBe(renderMarkdown(source).plainText);
  });

  it('agrees with renderMarkdown on generated Markdown', () => {
    const piece = fc.constantFrom('# ', '## ', '\n', '\n\n', '```js\n', '```', '    ', '- ', '1. ', '> ', '*', '`', '[a](/x)', '![i](/i.png)',
      '<div>', '</div>', '<script>x</script>', '<b onclick="y">', '&amp;', '|a|b|\n|-|-|\n', '容器', '网络 ', 'word', '  \n');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const source = pieces.join('');
        expect(extractPlainText(source)).toBe(renderMarkdown(source).plainText);
      }),
      { numRuns: 300 },
    );
  });
});
