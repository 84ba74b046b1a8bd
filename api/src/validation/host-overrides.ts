/**
 * `AKASHI_DCV_HOST_OVERRIDES`: where domain-control HTTP checks (GraphQL HTTP file and ACME http-01
 * alike) connect for a name, instead of the name's own address. The setting is parsed with the
 * configuration (settings/host-overrides.ts); this looks a canonical name up in it.
 */
import { type HostPort, parseHostPort } from "../settings/host-overrides";
import { canonicalName } from "./names";

export { type HostPort, formatHostPort, parseHostOverrides } from "../settings/host-overrides";

/**
 * Each table indexed by canonical name once (issue 11: a check canonicalised every key of the table,
 * IDNA included, and a test deployment's table may list thousands of names). The first key of a name
 * wins, as the scan in key order did.
 */
const indexes = new WeakMap<Record<string, string>, Map<string, string>>();

/** The override address of `name` (canonical), if the configuration has one. */
export function overrideFor(overrides: Record<string, string>, name: string): HostPort | undefined {
  let index = indexes.get(overrides);
  if (!index) {
    index = new Map();
    for (const [key, value] of Object.entries(overrides)) {
      const canonical = canonicalName(key);
      if (!index.has(canonical)) index.set(canonical, value);
    }
    indexes.set(overrides, index);
  }
  const value = index.get(name);
  if (value === undefined) return undefined;
  const hostPort = parseHostPort(value.trim());
  if (!hostPort) throw new Error(`host override for "${name}" is not host:port: "${value}"`);
  return hostPort;
}
