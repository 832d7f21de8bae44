/** A small seeded PRNG (mulberry32): the same window gives the same picks on every request. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes a window number with a widget name into one seed. */
export function seedFor(window: number, salt: string): number {
  let hash = 2166136261 ^ window;
  for (let i = 0; i < salt.length; i++) hash = Math.imul(hash ^ salt.charCodeAt(i), 16777619);
  return hash >>> 0;
}

/** The rotation window a moment falls in. */
export function windowOf(nowMs: number, windowMinutes: number): number {
  return Math.floor(nowMs / (windowMinutes * 60_000));
}

/** `count` distinct items picked at random (Fisher–Yates on a copy). */
export function pick<T>(items: readonly T[], count: number, random: () => number): T[] {
  const copy = [...items];
  const n = Math.min(count, copy.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}
