/**
 * `AKASHI_DCV_HOST_OVERRIDES`: where domain-control HTTP checks (GraphQL HTTP file and ACME http-01
 * alike) connect for a name, instead of the name's own address. The setting is parsed with the
 * configuration (settings/host-overrides.ts); this looks a canonical name up in it.
 */
import { type HostPort, parseHostPort } from "../settings/host-overrides";
import { canonicalName } from "./names";

export { type HostPort, formatHostPort, parseHostOverrides } from "../settings/host-overrides";

/** The override address of `name` (canonical), if the configuration has one. */
export function overrideFor(overrides: Record<string, string>, name: string): HostPort | undefined {
  for (const [key, value] of Object.entries(overrides)) {
    if (canonicalName(key) !== name) continue;
    const hostPort = parseHostPort(value.trim());
    if (!hostPort) throw new Error(`host override for "${name}" is not host:port: "${value}"`);
    return hostPort;
  }
  return undefined;
}
