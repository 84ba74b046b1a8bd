/**
 * APP-9: the network half of domain-control validation (DCV). Each check goes to the network once
 * and returns what it asked and what it saw; storing the result (and deciding reuse) is the
 * caller's job.
 *
 * Methods (CA/Browser Forum Baseline Requirements):
 * - HTTP_FILE, BR 3.2.2.4.18 "Agreed-Upon Change to Website v2": GET
 *   `http://<name>/.well-known/pki-validation/<token>.txt` over plain HTTP on port 80 (an Authorized
 *   Port). Success iff status 200 and the trimmed body is exactly the token. Redirects are not
 *   followed at all (BR only permits some; refusing all is the conservative subset) and are reported
 *   with their Location. This method cannot validate a wildcard name: such a request fails without
 *   any network I/O.
 * - DNS_TXT, BR 3.2.2.4.7 "DNS Change": a TXT record at `_pki-validation.<name>` (the Authorization
 *   Domain Name prefixed with an underscore label). A wildcard `*.x` is validated at `x`. Success iff
 *   one of the TXT records (its character-strings joined) is exactly the token.
 *
 * Decisions:
 * - Names are checked and lower-cased with `normalizeHostname` (wildcards allowed) before anything
 *   goes to the network, so nothing odd ever reaches a URL, a Host header or a DNS query.
 * - Tokens must be base64url and at least 22 characters (≥ 128 bits), because the BR "Random Value"
 *   needs at least 112 bits of entropy; `newDcvToken()` gives 43 characters (256 bits).
 * - One overall deadline (`timeoutMs`) covers name lookup, connect, headers and body.
 * - Results are returned, never thrown: a failed check is a `DcvResult` with a stable `failure` code.
 * - `checkedAt` is `options.now()` read when the check finishes; nothing here reads the system clock.
 * - Internal names and addresses are never contacted, so the CA cannot be used to probe its own
 *   network (BR 4.2.2 forbids Internal Names in certificates anyway): a name under a reserved or
 *   internal suffix (`RESERVED_NAME_SUFFIXES`) fails with RESERVED_NAME before any network I/O, and
 *   the HTTP method fails with DESTINATION_NOT_ALLOWED when the name resolves to a non-public address.
 *   The address is checked inside the socket's own `lookup`, i.e. on the very address connected to,
 *   so a second DNS answer cannot slip in between check and connect. Host overrides are the
 *   operator's explicit configuration (tests, demos) and are exempt from the address check.
 */
import { createHash, randomBytes } from "node:crypto";
import { promises as dnsPromises } from "node:dns";
import * as http from "node:http";
import { type LookupAddress, type LookupOptions, lookup as systemLookup } from "node:dns";
import { isIP } from "node:net";
import { SPECIAL_USE_SUFFIXES, normalizeHostname, specialUseSuffixOf } from "../domain/hostnames";
import { type AddressCategory, classifyAddress } from "../net/public-address";

export type DcvMethod = "HTTP_FILE" | "DNS_TXT";

/** Stable failure codes of a check. */
export type DcvFailure =
  | "INVALID_NAME"
  | "INVALID_TOKEN"
  | "RESERVED_NAME"
  | "DESTINATION_NOT_ALLOWED"
  | "WILDCARD_NOT_ALLOWED"
  | "TIMEOUT"
  | "NETWORK_ERROR"
  | "REDIRECT_NOT_FOLLOWED"
  | "HTTP_STATUS"
  | "BODY_TOO_LARGE"
  | "BODY_MISMATCH"
  | "DNS_NXDOMAIN"
  | "DNS_NO_TXT"
  | "DNS_ERROR"
  | "TXT_MISMATCH";

export interface DcvResult {
  ok: boolean;
  method: DcvMethod;
  checkedAt: Date;
  evidence: Record<string, unknown>;
  failure?: DcvFailure;
}

export interface DcvNetworkOptions {
  /** DNS name (lower case) → "host:port" ("127.0.0.1:45123", "[::1]:8080"). Production: `{}`. */
  hostOverrides: Record<string, string>;
  /** Resolvers for the DNS method ("127.0.0.1:53530"); empty = the system's resolvers. */
  dnsServers: string[];
  /** Overall deadline of one check, in milliseconds. */
  timeoutMs: number;
  /** Clock for `checkedAt`. */
  now: () => Date;
  /** Name resolution for the HTTP method; default the system's (`dns.lookup`). Tests replace it. */
  lookup?: DcvLookup;
}

/** The `dns.lookup` shape the HTTP client calls (`all: true` when it may try several addresses). */
export type DcvLookup = (
  hostname: string,
  options: LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/** The special-use suffixes of APP-12 (domain/hostnames.ts): names under them are never contacted. */
export const RESERVED_NAME_SUFFIXES: readonly string[] = SPECIAL_USE_SUFFIXES;

/** Largest HTTP body read (64 KiB); a longer body fails with BODY_TOO_LARGE. */
export const MAX_HTTP_BODY_BYTES = 64 * 1024;
/** Characters of the body kept in evidence. */
export const EVIDENCE_BODY_PREFIX_CHARS = 200;
/** Shortest token accepted: 22 base64url characters = 132 bits (BR Random Value: ≥ 112 bits). */
export const MIN_TOKEN_LENGTH = 22;
export const DNS_TXT_LABEL = "_pki-validation";
const MAX_TXT_VALUES_IN_EVIDENCE = 50;
const MAX_TXT_VALUE_CHARS_IN_EVIDENCE = 300;
const USER_AGENT = "Akashi-DCV/1.0";
const TOKEN_PATTERN = /^[A-Za-z0-9_-]+$/;

/** A fresh validation token: 32 random bytes, base64url (43 characters). */
export function newDcvToken(): string {
  return randomBytes(32).toString("base64url");
}

function canonicalName(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

/** The reserved suffix `name` (normalised) ends in, or null. */
export const reservedSuffixOf = specialUseSuffixOf;

function stripWildcard(name: string): string {
  return name.startsWith("*.") ? name.slice(2) : name;
}

/** `http://<name>/.well-known/pki-validation/<token>.txt` (name lower-cased, trailing dot dropped). */
export function httpFileUrl(name: string, token: string): string {
  return `http://${canonicalName(name)}/.well-known/pki-validation/${token}.txt`;
}

/** `_pki-validation.<name>` with a leading "*." dropped (name lower-cased, trailing dot dropped). */
export function dnsTxtName(name: string): string {
  return `${DNS_TXT_LABEL}.${stripWildcard(canonicalName(name))}`;
}

// ---------------------------------------------------------------------------------------------
// Host overrides

interface HostPort {
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

function formatHostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Parses a host-override setting: `name=host:port` entries separated by commas, e.g.
 * `shop.akashi-demo.jp=127.0.0.1:45123,www.shop.akashi-demo.jp=[::1]:45123`. Blank text gives `{}`.
 * Names are normalised (lower case); a bad entry, name, address or port, or a name given twice, throws.
 */
export function parseHostOverrides(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  if (text.trim() === "") return result;
  const entries = text.split(",");
  entries.forEach((raw, index) => {
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
    if (Object.prototype.hasOwnProperty.call(result, checked.name)) throw new Error(`${where}: "${checked.name}" is given more than once`);
    result[checked.name] = formatHostPort(hostPort.host, hostPort.port);
  });
  return result;
}

function overrideFor(options: DcvNetworkOptions, name: string): HostPort | undefined {
  for (const [key, value] of Object.entries(options.hostOverrides)) {
    if (canonicalName(key) !== name) continue;
    const hostPort = parseHostPort(value.trim());
    if (!hostPort) throw new Error(`host override for "${name}" is not host:port: "${value}"`);
    return hostPort;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

function assertOptions(options: DcvNetworkOptions): void {
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new RangeError(`DCV timeoutMs must be a positive number, got ${options.timeoutMs}`);
  }
  if (typeof options.now !== "function") throw new TypeError("DCV options.now must be a function");
}

function tokenProblem(token: string): string | null {
  if (!TOKEN_PATTERN.test(token)) return "the token must be base64url (A-Z a-z 0-9 - _)";
  if (token.length < MIN_TOKEN_LENGTH) return `the token must be at least ${MIN_TOKEN_LENGTH} characters (112 bits of entropy)`;
  return null;
}

function finish(method: DcvMethod, options: DcvNetworkOptions, evidence: Record<string, unknown>, failure?: DcvFailure, detail?: string): DcvResult {
  const full: Record<string, unknown> = { method, ...evidence, result: failure ? "FAILED" : "VALID" };
  if (failure) full.failure = failure;
  if (detail) full.detail = detail;
  const result: DcvResult = { ok: !failure, method, checkedAt: options.now(), evidence: full };
  if (failure) result.failure = failure;
  return result;
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "UNKNOWN";
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Checks shared by both methods before any network I/O. Returns the normalised name or a failed result.
 */
function precheck(method: DcvMethod, name: string, token: string, options: DcvNetworkOptions, evidence: Record<string, unknown>): { name: string; wildcard: boolean } | DcvResult {
  const reserved = reservedSuffixOf(name);
  if (reserved) {
    evidence.reservedSuffix = reserved;
    return finish(method, options, evidence, "RESERVED_NAME", `".${reserved}" is a reserved or internal suffix; such names are never contacted`);
  }
  const checked = normalizeHostname(name, { allowWildcard: true });
  if (!checked.ok) return finish(method, options, evidence, "INVALID_NAME", `${checked.code}: ${checked.message}`);
  const problem = tokenProblem(token);
  if (problem) return finish(method, options, evidence, "INVALID_TOKEN", problem);
  return { name: checked.name, wildcard: checked.wildcard };
}

// ---------------------------------------------------------------------------------------------
// Destination check

/** The error a refused address gives; `code` is "DESTINATION_NOT_ALLOWED". */
export class DestinationNotAllowedError extends Error {
  readonly code = "DESTINATION_NOT_ALLOWED";
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly category: AddressCategory,
  ) {
    super(`${hostname} resolves to ${address} (${category}); only public addresses are contacted`);
  }
}

/**
 * Wraps a lookup so that it answers only when every address it found is public; one internal
 * address refuses the whole name (a mixed answer is how DNS rebinding would get in).
 */
export function publicOnlyLookup(base: DcvLookup, seen?: (addresses: string[]) => void): DcvLookup {
  return (hostname, options, callback) => {
    base(hostname, options, (err, address, family) => {
      if (err) {
        callback(err, address, family);
        return;
      }
      const list = Array.isArray(address) ? address.map((a) => a.address) : [address];
      seen?.(list);
      for (const a of list) {
        const category = classifyAddress(a);
        if (category !== "public") {
          callback(new DestinationNotAllowedError(hostname, a, category) as NodeJS.ErrnoException, options.all ? [] : "", family);
          return;
        }
      }
      callback(null, address, family);
    });
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP file (BR 3.2.2.4.18)

/**
 * APP-9, BR 3.2.2.4.18: fetches `http://<name>/.well-known/pki-validation/<token>.txt` with
 * `Host: <name>`, from the override address for `name` if there is one, else from `name:80` provided
 * that every address of `name` is public. Never throws for network or content problems; see `DcvFailure`.
 */
export async function checkHttpFile(name: string, token: string, options: DcvNetworkOptions): Promise<DcvResult> {
  assertOptions(options);
  const method: DcvMethod = "HTTP_FILE";
  const evidence: Record<string, unknown> = { name, token };
  if (canonicalName(name).startsWith("*")) {
    return finish(method, options, evidence, "WILDCARD_NOT_ALLOWED", "BR 3.2.2.4.18: the HTTP file method cannot validate a wildcard name; use DNS TXT");
  }
  const pre = precheck(method, name, token, options, evidence);
  if ("method" in pre) return pre;
  const host = pre.name;
  const path = `/.well-known/pki-validation/${token}.txt`;
  const override = overrideFor(options, host);
  const target: HostPort = override ?? { host, port: 80 };
  evidence.name = host;
  evidence.url = httpFileUrl(host, token);
  evidence.connectTo = formatHostPort(target.host, target.port);
  if (override) evidence.hostOverride = true;
  const lookup = override ? undefined : publicOnlyLookup(options.lookup ?? (systemLookup as DcvLookup), (addresses) => (evidence.resolvedAddresses = addresses));

  return new Promise<DcvResult>((resolve) => {
    let settled = false;
    let timedOut = false;
    let req: http.ClientRequest | undefined;
    const settle = (failure?: DcvFailure, detail?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req?.destroy();
      resolve(finish(method, options, evidence, failure, detail));
    };
    const timer = setTimeout(() => {
      timedOut = true;
      evidence.errorCode = "TIMEOUT";
      settle("TIMEOUT", `no complete answer within ${options.timeoutMs} ms`);
    }, options.timeoutMs);

    try {
      req = http.request({
        host: target.host,
        port: target.port,
        method: "GET",
        path,
        agent: false,
        ...(lookup ? { lookup: lookup as unknown as http.RequestOptions["lookup"] } : {}),
        headers: { Host: host, "User-Agent": USER_AGENT, Accept: "*/*", "Accept-Encoding": "identity", Connection: "close" },
      });
    } catch (err) {
      evidence.errorCode = errorCode(err);
      settle("NETWORK_ERROR", errorMessage(err));
      return;
    }

    req.on("socket", (socket) => {
      socket.on("connect", () => {
        if (socket.remoteAddress) evidence.connectedAddress = formatHostPort(socket.remoteAddress, socket.remotePort ?? target.port);
        // Second line of defence: whatever resolved the name, the peer itself must be public.
        const category = override ? "public" : classifyAddress(socket.remoteAddress ?? "");
        if (category !== "public") refuse(new DestinationNotAllowedError(host, socket.remoteAddress ?? "", category));
      });
    });
    const refuse = (err: DestinationNotAllowedError): void => {
      evidence.errorCode = err.code;
      evidence.refusedAddress = err.address;
      evidence.addressCategory = err.category;
      settle("DESTINATION_NOT_ALLOWED", err.message);
    };
    req.on("error", (err) => {
      if (timedOut || settled) return;
      if (err instanceof DestinationNotAllowedError) {
        refuse(err);
        return;
      }
      evidence.errorCode = errorCode(err);
      settle("NETWORK_ERROR", errorMessage(err));
    });
    req.on("response", (res) => {
      const status = res.statusCode ?? 0;
      evidence.status = status;
      if (res.headers["content-type"] !== undefined) evidence.contentType = res.headers["content-type"];
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location !== undefined) {
        evidence.location = location;
        res.resume();
        settle("REDIRECT_NOT_FOLLOWED", `HTTP ${status} redirect to ${location}; redirects are not followed`);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const recordBody = (): string => {
        const body = Buffer.concat(chunks);
        evidence.bodyBytes = body.length;
        evidence.bodySha256 = createHash("sha256").update(body).digest("hex");
        const text = body.toString("utf8");
        evidence.bodyPrefix = text.slice(0, EVIDENCE_BODY_PREFIX_CHARS);
        return text;
      };
      res.on("data", (chunk: Buffer) => {
        if (settled) return;
        const room = MAX_HTTP_BODY_BYTES - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          size += room;
          recordBody();
          evidence.bodyTruncated = true;
          settle("BODY_TOO_LARGE", `the body is longer than ${MAX_HTTP_BODY_BYTES} bytes`);
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on("error", (err) => {
        if (timedOut || settled) return;
        evidence.errorCode = errorCode(err);
        settle("NETWORK_ERROR", errorMessage(err));
      });
      res.on("end", () => {
        if (settled) return;
        const text = recordBody();
        if (status !== 200) {
          settle("HTTP_STATUS", `HTTP status ${status}, expected 200`);
          return;
        }
        if (text.trim() !== token) {
          settle("BODY_MISMATCH", "the file does not contain exactly the token");
          return;
        }
        settle();
      });
    });
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------
// DNS TXT (BR 3.2.2.4.7)

/**
 * APP-9, BR 3.2.2.4.7: looks up TXT at `_pki-validation.<name>` (a wildcard at its base name)
 * through `options.dnsServers` (or the system's resolvers). Never throws for network or content
 * problems; see `DcvFailure`.
 */
export async function checkDnsTxt(name: string, token: string, options: DcvNetworkOptions): Promise<DcvResult> {
  assertOptions(options);
  const method: DcvMethod = "DNS_TXT";
  const evidence: Record<string, unknown> = { name, token };
  const pre = precheck(method, name, token, options, evidence);
  if ("method" in pre) return pre;
  const queryName = dnsTxtName(pre.name);
  evidence.name = pre.name;
  evidence.validatedName = stripWildcard(pre.name);
  if (pre.wildcard) evidence.wildcard = true;
  evidence.queryName = queryName;
  evidence.queryType = "TXT";
  evidence.dnsServers = options.dnsServers.length > 0 ? [...options.dnsServers] : "system";

  const resolver = new dnsPromises.Resolver({ timeout: Math.max(1, Math.ceil(options.timeoutMs)), tries: 1 });
  if (options.dnsServers.length > 0) resolver.setServers(options.dnsServers);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"TIMEOUT">((resolve) => {
    timer = setTimeout(() => resolve("TIMEOUT"), options.timeoutMs);
  });
  let records: string[][];
  try {
    const answer = await Promise.race([resolver.resolveTxt(queryName), deadline]);
    if (answer === "TIMEOUT") {
      resolver.cancel();
      evidence.errorCode = "TIMEOUT";
      return finish(method, options, evidence, "TIMEOUT", `no DNS answer within ${options.timeoutMs} ms`);
    }
    records = answer;
  } catch (err) {
    const code = errorCode(err);
    evidence.errorCode = code;
    if (code === "ENOTFOUND") return finish(method, options, evidence, "DNS_NXDOMAIN", `${queryName} does not exist (NXDOMAIN)`);
    if (code === "ENODATA") return finish(method, options, evidence, "DNS_NO_TXT", `${queryName} has no TXT records`);
    if (code === "ETIMEOUT" || code === "ECANCELLED") return finish(method, options, evidence, "TIMEOUT", `no DNS answer within ${options.timeoutMs} ms`);
    return finish(method, options, evidence, "DNS_ERROR", errorMessage(err));
  } finally {
    clearTimeout(timer);
  }

  const values = records.map((chunks) => chunks.join(""));
  evidence.txtCount = values.length;
  evidence.txtValues = values
    .slice(0, MAX_TXT_VALUES_IN_EVIDENCE)
    .map((v) => (v.length > MAX_TXT_VALUE_CHARS_IN_EVIDENCE ? `${v.slice(0, MAX_TXT_VALUE_CHARS_IN_EVIDENCE)}…` : v));
  if (values.length === 0) return finish(method, options, evidence, "DNS_NO_TXT", `${queryName} has no TXT records`);
  if (!values.includes(token)) return finish(method, options, evidence, "TXT_MISMATCH", `no TXT record at ${queryName} is exactly the token`);
  return finish(method, options, evidence);
}
