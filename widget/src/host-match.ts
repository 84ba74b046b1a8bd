/**
 * SEAL-2: a seal may be shown only on web servers of the domains named in the certificate.
 * Pure (no DOM): imported by the element and by jest.
 */

/** Lower-case and drop one trailing dot ("Shop.Akashi-Demo.JP." → "shop.akashi-demo.jp"). */
function normalizeHost(name: string): string {
  const n = name.trim().toLowerCase();
  return n.endsWith(".") ? n.slice(0, -1) : n;
}

/**
 * Does one certificate name cover `hostname`?
 * - exact match, case-insensitive;
 * - `*.akashi-demo.jp` covers exactly one more, non-empty label: `shop.akashi-demo.jp`,
 *   not `a.b.akashi-demo.jp`, not `akashi-demo.jp`. A wildcard is only honoured as the whole left-most label
 *   (no `f*.akashi-demo.jp`, no `*` alone, no `*.jp`-style single-label base).
 */
export function nameCovers(certName: string, hostname: string): boolean {
  const name = normalizeHost(certName);
  const host = normalizeHost(hostname);
  if (!name || !host) return false;
  if (!name.includes("*")) return name === host;
  if (!name.startsWith("*.")) return false;
  const base = name.slice(2);
  if (!base || base.includes("*") || !base.includes(".")) return false;
  if (!host.endsWith("." + base)) return false;
  const label = host.slice(0, host.length - base.length - 1);
  return label.length > 0 && !label.includes(".");
}

/**
 * True when any of the certificate's domains covers the page's `location.hostname`.
 * @rule SEAL-2 — the verification page states coverage from the Referer only (api/src/domain/hostnames.ts,
 *   http/pages/verify-model.ts), and html.ts lockedPage keeps the page itself unchangeable
 */
export function hostCovered(domains: readonly string[] | null | undefined, hostname: string): boolean {
  if (!domains) return false;
  return domains.some((d) => typeof d === "string" && nameCovers(d, hostname));
}
