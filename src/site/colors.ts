/** WCAG 2.x relative luminance of an sRGB colour given as #rrggbb. */
export function relativeLuminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio between two colours (1..21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Background the hot-tag cloud sits on (see public/css/site.css --panel). */
export const TAG_BACKGROUND = '#ffffff';
/** WCAG AA for normal text. */
export const MIN_CONTRAST = 4.5;

// Hues around the wheel; each is darkened until it reaches AA on the background.
const BASE_HUES = [0, 20, 35, 90, 140, 170, 195, 215, 240, 265, 290, 320, 340];

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255).toString(16).padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/** A palette of saturated colours, every one with at least AA contrast on `background`. */
export function accessiblePalette(background = TAG_BACKGROUND, minimum = MIN_CONTRAST): string[] {
  return BASE_HUES.map((hue) => {
    for (let lightness = 0.5; lightness > 0.05; lightness -= 0.01) {
      const colour = hslToHex(hue, 0.75, lightness);
      if (contrastRatio(colour, background) >= minimum) return colour;
    }
    return '#000000';
  });
}

export const PALETTE = accessiblePalette();

/** Palette indexes for a list of tags, drawn at random (class tcN colours tag N). */
export function tagColours(count: number, random: () => number): number[] {
  return Array.from({ length: count }, () => Math.floor(random() * PALETTE.length));
}

/** The stylesheet behind the tcN classes: inline styles would need a weaker CSP. */
export function paletteCss(palette: readonly string[] = PALETTE): string {
  return palette.map((colour, i) => `.tag-cloud a.tc${i}{color:${colour}}`).join('\n') + '\n';
}
