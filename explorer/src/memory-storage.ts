/**
 * GraphiQL's storage, in page memory only: tabs, history and settings never reach localStorage, so neither
 * can anything typed into them. A reload starts afresh.
 */
export function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
    clear: () => items.clear(),
    get length() {
      return items.size;
    },
  };
}
