import { describe, expect, it } from 'vitest';
import { buildSnippet, highlightAll, SNIPPET_LENGTH } from '../../src/search/snippet.js';
import { relatedWords } from '../../src/search/related.js';

describe('buildSnippet', () => {
  const filler = '这是一段与查询无关的填充文字。'.repeat(20);

  it('centres on the window with the most distinct terms and marks every match', () => {
    const text = `${filler}Docker 只出现在这里。${filler}这里同时讲 Docker 与宿主机的网络。${filler}`;
    const snippet = buildSnippet(text, [['docker'], ['宿主机']]);
    expect(snippet).toContain('<mark>Docker</mark> 与<mark>宿主机</mark>');
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    const visible = snippet.replace(/<\/?mark>/g, '').replace(/…/g, '');
    expect(visible.length).toBeLessThanOrEqual(SNIPPET_LENGTH);
    expect(visible.length).toBeGreaterThan(100);
  });

  it('escapes HTML before marking', () => {
    const snippet = buildSnippet('<script>alert("x")</script> 容器 & more', [['容器']]);
    expect(snippet).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>容器</mark> &amp; more');
  });

  it('marks original text for normalised matches (case, width, traditional)', () => {
    expect(highlightAll('ＤＯＣＫＥＲ 與 容器網路', [['docker'], ['容器网络']])).toBe('<mark>ＤＯＣＫＥＲ</mark> 與 <mark>容器網路</mark>');
  });

  it('only marks Latin terms at word boundaries', () => {
    expect(highlightAll('kubernetes net .net', [['net']])).toBe('kubernetes <mark>net</mark> .<mark>net</mark>');
  });

  it('starts at the beginning when nothing matches', () => {
    expect(buildSnippet('短文本', [['无关']])).toBe('短文本');
  });
});

describe('relatedWords', () => {
  it('segments a long query into dictionary words, dropping single characters', () => {
    const words = relatedWords(['容器网络命名空间共享验证']);
    expect(words).toEqual(expect.arrayContaining(['容器', '网络', '共享', '验证']));
    expect(words.every((w) => Array.from(w).length >= 2)).toBe(true);
  });
});
