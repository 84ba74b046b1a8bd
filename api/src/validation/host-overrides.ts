/**
 * `AKASHI_DCV_HOST_OVERRIDES`: where domain-control HTTP checks (GraphQL HTTP file and ACME http-01
 * alike) connect for a name, instead of the name's own address. The operator's explicit
 * configuration for tests and demos; production leaves it empty.
 */
import { isIP } from "node:net";
import { normalizeHostname } from "../domain/hostnames";
import { canonicalName } from "./names";

export interface HostPort {
  host: string;
  port: number;
}

function parseHostPort(text: string): HostPort | null {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:[\]\s]+):(\d{1,5})$/.exec(text);
  if (!m) return null;
  const [, host, portText] = m;
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  if (text.startsWith("[") && isIP(host) !== 6) return null;
  if (!text.startsWith("[") && isIP(host) !== 4 && !/^[A-Za-z0-9.-]+$/.test(host)) return null;
  return { host, port };
}

export function formatHostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

function parseEntry(raw: string, index: number, result: Record<string, string>): void {
  const entry = raw.trim();
  const where = `host override entry ${index + 1} ("${entry}")`;
  if (entry === "") throw new Error(`host overrides: entry ${index + 1} is empty; expected name=host:port`);
  const eq = entry.indexOf("=");
  if (eq <= 0 || eq !== entry.lastIndexOf("=")) throw new Error(`${where}: expected name=host:port`);
  const nameText = entry.slice(0, eq).trim();
  const target = entry.slice(eq + 1).trim();
  const checked = normalizeHostname(nameText, { allowWildcard: true });
  if (!checked.ok) throw new Error(`${where}: "${nameText}" is not a valid DNS name (${checked.code})`);
  const hostPort = parseHostPort(target);
  if (!hostPort) throw new Error(`${where}: "${target}" is not host:port (IPv6 as [addr]:port, port 1-65535)`);
  if (Object.prototype.hasOwnProperty.call(result, checked.name))
    throw new Error(`${where}: "${checked.name}" is given more than once`);
  result[checked.name] = formatHostPort(hostPort.host, hostPort.port);
}

/**
 * Parses a host-override setting: `name=host:port` entries separated by commas, e.g.
 * `shop.example.jp=127.0.0.1:45123,www.shop.example.jp=[::1]:45123`. Blank text gives `{}`.
 * Names are normalised (lower case); a bad entry, name, address or port, or a name given twice, throws.
 */
export function parseHostOverrides(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  if (text.trim() === "") return result;
  text.split(",").forEach((raw, index) => parseEntry(raw, index, result));
  return result;
}

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
