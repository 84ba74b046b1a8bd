/**
 * Whether an IP address is on the public Internet, for the domain-control HTTP check (APP-9): the CA
 * must not be usable to probe its own network, so a name that resolves to an internal address is
 * not fetched. Pure: no DNS, no sockets.
 *
 * IPv4 ranges follow the IANA special-purpose registry (RFC 6890 and successors). IPv6 is public only
 * inside global unicast 2000::/3, minus documentation, Teredo and ORCHID-like assignments in
 * 2001::/23; addresses that carry an IPv4 address (v4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96,
 * 6to4 2002::/16) are judged by that IPv4 address.
 */
import { isIP } from "node:net";

export type AddressCategory =
  | "public"
  | "unspecified"
  | "loopback"
  | "private"
  | "shared"
  | "link-local"
  | "unique-local"
  | "multicast"
  | "broadcast"
  | "documentation"
  | "benchmarking"
  | "reserved"
  | "invalid";

interface V4Range {
  base: number;
  bits: number;
  category: AddressCategory;
}

const v4 = (dotted: string, bits: number, category: AddressCategory): V4Range => ({
  base: parseV4(dotted)!,
  bits,
  category,
});

/** Most specific first where ranges nest (the broadcast address sits inside 240/4). */
const V4_RANGES: readonly V4Range[] = [
  v4("255.255.255.255", 32, "broadcast"),
  v4("0.0.0.0", 8, "unspecified"),
  v4("10.0.0.0", 8, "private"),
  v4("100.64.0.0", 10, "shared"),
  v4("127.0.0.0", 8, "loopback"),
  v4("169.254.0.0", 16, "link-local"),
  v4("172.16.0.0", 12, "private"),
  v4("192.0.0.0", 24, "reserved"),
  v4("192.0.2.0", 24, "documentation"),
  v4("192.88.99.0", 24, "reserved"),
  v4("192.168.0.0", 16, "private"),
  v4("198.18.0.0", 15, "benchmarking"),
  v4("198.51.100.0", 24, "documentation"),
  v4("203.0.113.0", 24, "documentation"),
  v4("224.0.0.0", 4, "multicast"),
  v4("240.0.0.0", 4, "reserved"),
];

function parseV4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    value = value * 256 + Number(p);
  }
  return value;
}

function classifyV4(value: number): AddressCategory {
  for (const r of V4_RANGES) {
    const size = 2 ** (32 - r.bits);
    if (Math.floor(value / size) === Math.floor(r.base / size)) return r.category;
  }
  return "public";
}

/** Eight 16-bit groups, or null. Accepts "::" compression and a dotted IPv4 tail. */
function parseV6(text: string): number[] | null {
  let rest = text;
  const lastColon = rest.lastIndexOf(":");
  if (rest.slice(lastColon + 1).includes(".")) {
    const value = parseV4(rest.slice(lastColon + 1));
    if (value === null) return null;
    rest = `${rest.slice(0, lastColon + 1)}${Math.floor(value / 65536).toString(16)}:${(value % 65536).toString(16)}`;
  }
  const halves = rest.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string) =>
    s === "" ? [] : s.split(":").map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN));
  const head = groups(halves[0]);
  const after = halves.length === 2 ? groups(halves[1]) : [];
  const room = 8 - head.length - after.length;
  if (room < 0 || (halves.length === 1 && room !== 0)) return null;
  const all = [...head, ...Array<number>(halves.length === 2 ? room : 0).fill(0), ...after];
  return all.length === 8 && all.every((g) => Number.isInteger(g)) ? all : null;
}

function classifyV6(g: number[]): AddressCategory {
  const embedded = (hi: number, lo: number) => classifyV4(hi * 65536 + lo);
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 8)) return "unspecified";
  if (zeros(0, 7) && g[7] === 1) return "loopback";
  if (zeros(0, 5) && g[5] === 0xffff) return embedded(g[6], g[7]); // ::ffff:a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return embedded(g[6], g[7]); // NAT64 well-known prefix
  if ((g[0] & 0xff00) === 0xff00) return "multicast";
  if ((g[0] & 0xfe00) === 0xfc00) return "unique-local";
  if ((g[0] & 0xffc0) === 0xfe80) return "link-local";
  if ((g[0] & 0xffc0) === 0xfec0) return "private"; // deprecated site-local
  if ((g[0] & 0xe000) !== 0x2000) return "reserved"; // outside global unicast 2000::/3
  if (g[0] === 0x2001 && g[1] === 0x0db8) return "documentation";
  if (g[0] === 0x3fff && g[1] <= 0x0fff) return "documentation"; // 3fff::/20
  if (g[0] === 0x2002) {
    return embedded(g[1], g[2]); // 6to4 carries the IPv4 address in bits 16-47
  }
  if (g[0] === 0x2001 && g[1] < 0x0200) return "reserved"; // 2001::/23 IETF assignments (Teredo, ORCHID, …)
  return "public";
}

/** The category of an IPv4 or IPv6 address ("invalid" for anything else). A zone ("%eth0") is ignored. */
export function classifyAddress(address: string): AddressCategory {
  const bare = address
    .trim()
    .replace(/%.*$/, "")
    .replace(/^\[(.*)\]$/, "$1");
  const family = isIP(bare);
  if (family === 4) return classifyV4(parseV4(bare)!);
  if (family === 6) {
    const groups = parseV6(bare);
    return groups ? classifyV6(groups) : "invalid";
  }
  return "invalid";
}

/** True only for an address on the public Internet. */
export function isPublicAddress(address: string): boolean {
  return classifyAddress(address) === "public";
}
