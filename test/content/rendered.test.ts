import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/content/render-markdown.js';
import { createRenderedCache } from '../../src/content/rendered.js';

describe('createRenderedCache', () => {
  it('renders like renderMarkdown and reuses a rendering only for the same content hash', () => {
    const cache = createRenderedCache({ entries: 10 });
    const first = cache.render(1, 'h1', '## 旧标题\n\n```bash\nls -l\n```\n');
    const { html, tocHtml } = renderMarkdown('## 旧标题\n\n```bash\nls -l\n```\n');
    expect(first).toEqual({ html, tocHtml });
    // same hash: the stored rendering, whatever Markdown is passed
    expect(cache.render(1, 'h1', 'ignored').html).toBe(html);
    const second = cache.render(1, 'h2', '## 新标题\n');
    expect(second.html).toContain('<h2 id="新标题">');
    expect(second.html).not.toContain('旧标题');
    expect(cache.size).toBe(1);
  });

  it('keeps at most `entries` articles, dropping the least recently viewed', () => {
    const cache = createRenderedCache({ entries: 2 });
    cache.render(1, 'a', 'one');
    cache.render(2, 'a', 'two');
    cache.render(1, 'a', 'one');
    cache.render(3, 'a', 'three');
    expect(cache.size).toBe(2);
    // 1 was viewed after 2, so it is still held; 2 was dropped and renders from the Markdown given now
    expect(cache.render(1, 'a', 'eins').html).toContain('one');
    expect(cache.render(2, 'a', 'zwei').html).toContain('zwei');
  });

  it('with no entries renders every time and holds nothing', () => {
    const cache = createRenderedCache({ entries: 0 });
    expect(cache.render(1, 'a', 'x').html).toBe('<p>x</p>\n');
    expect(cache.render(1, 'a', 'y').html).toBe('<p>y</p>\n');
    expect(cache.size).toBe(0);
  });
});
