import { describe, expect, it } from 'vitest';
import { accessiblePalette, contrastRatio, MIN_CONTRAST, paletteCss, TAG_BACKGROUND, tagColours } from '../../src/site/colors.js';
import { paginate, pageExists } from '../../src/site/pagination.js';
import { pick, seedFor, seededRandom, windowOf } from '../../src/site/random.js';
import { slugify } from '../../src/content/slug.js';

describe('paginate', () => {
  it('shows first, last and two either side, with gaps', () => {
    const p = paginate(1000, 10, 20);
    expect(p.pageCount).toBe(50);
    expect(p.items.map((i) => (i ? i.page : '…'))).toEqual([1, '…', 8, 9, 10, 11, 12, '…', 50]);
    expect(p.items.find((i) => i?.current)?.page).toBe(10);
    expect([p.prev, p.next]).toEqual([9, 11]);
  });
  it('has one page for an empty list and knows pages past the end', () => {
    expect(paginate(0, 1, 20).items).toEqual([{ page: 1, current: true }]);
    expect(pageExists(0, 1, 20)).toBe(true);
    expect(pageExists(40, 2, 20)).toBe(true);
    expect(pageExists(40, 3, 20)).toBe(false);
  });
});

describe('tag colours', () => {
  it('every palette colour meets WCAG AA on the tag background', () => {
    const palette = accessiblePalette();
    expect(palette.length).toBeGreaterThanOrEqual(10);
    for (const colour of palette) expect(contrastRatio(colour, TAG_BACKGROUND)).toBeGreaterThanOrEqual(MIN_CONTRAST);
    expect(new Set(palette).size).toBe(palette.length);
    expect(paletteCss(['#112233', '#445566'])).toBe('.tag-cloud a.tc0{color:#112233}\n.tag-cloud a.tc1{color:#445566}\n');
  });
  it('computes known contrast ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });
  it('are the same within a window and change between windows', () => {
    const a = tagColours(30, seededRandom(seedFor(5, 'tag-colours')));
    expect(tagColours(30, seededRandom(seedFor(5, 'tag-colours')))).toEqual(a);
    expect(tagColours(30, seededRandom(seedFor(6, 'tag-colours')))).not.toEqual(a);
  });
});

describe('random picks', () => {
  it('picks distinct items deterministically per seed', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const chosen = pick(items, 8, seededRandom(1));
    expect(new Set(chosen).size).toBe(8);
    expect(pick(items, 8, seededRandom(1))).toEqual(chosen);
    expect(pick([1, 2], 8, seededRandom(1))).toHaveLength(2);
  });
  it('windows are whole periods', () => {
    expect(windowOf(0, 10)).toBe(0);
    expect(windowOf(599_999, 10)).toBe(0);
    expect(windowOf(600_000, 10)).toBe(1);
  });
});

describe('slugify', () => {
  it('gives c#, c++ and .net distinct readable slugs', () => {
    expect(slugify('c#')).toBe('csharp');
    expect(slugify('c++')).toBe('cpp');
    expect(slugify('.net')).toBe('dotnet');
    expect(slugify('Go Gin')).toBe('go-gin');
    expect(slugify('Material UI')).toBe('material-ui');
    expect(slugify('F#')).toBe('fsharp');
  });
});
