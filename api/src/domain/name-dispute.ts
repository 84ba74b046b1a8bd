/**
 * APP-6 [J 8(1)ア, O 11]: names in a trademark or name dispute. A disputed name covers itself and
 * every name below it, so an application for `shop.akashi-bank.jp` or `*.akashi-bank.jp` meets a
 * dispute about `akashi-bank.jp`. Names are compared as lower-case A-labels (APP-12).
 */

const under = (name: string, disputed: string): boolean => name === disputed || name.endsWith(`.${disputed}`);

/**
 * Whether a certificate for `applied` (a host name or a `*.` wildcard) would cover a name the
 * dispute is about: `disputed` itself or any name below it.
 */
export function coversDisputedName(applied: string, disputed: string): boolean {
  const a = applied.toLowerCase();
  const d = disputed.toLowerCase();
  if (!a.startsWith("*.")) return under(a, d);
  const base = a.slice(2);
  // `*.base` covers the names one label below base: the dispute's tree when base is in it, or the
  // disputed name itself when it is one label below base.
  if (under(base, d)) return true;
  const dot = d.indexOf(".");
  return dot > 0 && d.slice(dot + 1) === base;
}

/** The disputed names `names` would cover, each once, in the order of `disputed`. */
export function disputedNamesCovered(names: readonly string[], disputed: readonly string[]): string[] {
  return disputed.filter((d) => names.some((n) => coversDisputedName(n, d)));
}
