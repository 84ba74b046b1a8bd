/**
 * A bounded in-memory view kept true by change notifications (status/view-changes.ts). Entries carry
 * tags (the ids of what they were built from); a change drops every entry tagged with what changed.
 * A value loaded across a change is not kept: `epoch` counts changes, and a load that started before
 * one may have read the old rows (the change's NOTIFY arrives at commit, the read may have been before it).
 */
export class ViewCache<K, V> {
  private readonly entries = new Map<K, { value: V; tags: readonly string[] }>();
  private readonly tagged = new Map<string, Set<K>>();
  private epoch = 0;

  constructor(private readonly max: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  /**
   * The cached value, or `load()`'s (kept when `trusted` and no change arrived meanwhile). A null
   * answer (nothing there) is never kept: it could appear at any moment.
   */
  async getOrLoad(
    key: K,
    trusted: boolean,
    load: () => Promise<{ value: V; tags: readonly string[] } | null>,
  ): Promise<V | null> {
    if (trusted) {
      const hit = this.entries.get(key);
      if (hit) return hit.value;
    }
    const since = this.epoch;
    const loaded = await load();
    if (!loaded) return null;
    if (trusted) this.keep(key, loaded.value, loaded.tags, since);
    return loaded.value;
  }

  /** Changes seen so far: read it before loading, and hand it to `keep`. */
  get version(): number {
    return this.epoch;
  }

  /** Keeps a value loaded after `since` was read, unless a change arrived meanwhile. */
  keep(key: K, value: V, tags: readonly string[], since: number): void {
    if (since === this.epoch) this.set(key, value, tags);
  }

  private set(key: K, value: V, tags: readonly string[]): void {
    this.drop(key);
    if (this.entries.size >= this.max) this.evict();
    this.entries.set(key, { value, tags });
    for (const t of tags) {
      let keys = this.tagged.get(t);
      if (!keys) {
        keys = new Set();
        this.tagged.set(t, keys);
      }
      keys.add(key);
    }
  }

  /** Drops every entry built from `tag` (an id that changed). */
  invalidate(tag: string): void {
    this.epoch++;
    const keys = this.tagged.get(tag);
    if (!keys) return;
    this.tagged.delete(tag);
    for (const k of keys) this.drop(k);
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
    this.tagged.clear();
  }

  private drop(key: K): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    for (const t of e.tags) {
      const keys = this.tagged.get(t);
      keys?.delete(key);
      if (keys?.size === 0) this.tagged.delete(t);
    }
  }

  /** The oldest tenth goes (insertion order): the views are cheap to rebuild, memory is not free. */
  private evict(): void {
    let n = Math.max(1, Math.floor(this.max / 10));
    for (const key of this.entries.keys()) {
      if (n-- <= 0) break;
      this.drop(key);
    }
  }
}
