/**
 * A map bounded by the bytes of its values, least recently used out first: the list cache of a
 * search connection (segment-reader.ts) and the freshly written segments a merge reads from
 * memory (segment-store.ts).
 */
export class ByteBoundedCache<K, V> {
  readonly #entries = new Map<K, { value: V; bytes: number }>();
  #bytes = 0;

  constructor(readonly limit: number) {}

  /** Bytes of the values kept now (never more than the limit). */
  get bytes(): number {
    return this.#bytes;
  }

  /** The value kept under `key`, now the most recently used. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` in place of any under `key`, then drops the least recently used past the limit; one larger than the limit is not kept. */
  set(key: K, value: V, bytes: number): void {
    this.delete(key);
    if (bytes > this.limit) return;
    this.#entries.set(key, { value, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.limit) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
  }

  delete(key: K): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}
