/** What every domain-control check shares: its options, the name/token precheck and how a result is finished. */
import { normalizeHostname } from "../domain/hostnames";
import type { DcvLookup } from "./destination";
import { type DcvEvidence, type DcvFailure, type DcvResult, causeOf } from "./evidence";
import { reservedSuffixOf, tokenProblem } from "./names";

export interface DcvNetworkOptions {
  /** DNS name (lower case) → "host:port" ("127.0.0.1:45123", "[::1]:8080"). Production: `{}`. */
  hostOverrides: Record<string, string>;
  /** Resolvers for DNS look-ups ("127.0.0.1:53530"); empty = the system's resolvers. */
  dnsServers: string[];
  /** Overall deadline of one check, in milliseconds. */
  timeoutMs: number;
  /** Clock for `checkedAt`. */
  now: () => Date;
  /** Name resolution for the HTTP methods; default the system's (`dns.lookup`). Tests replace it. */
  lookup?: DcvLookup;
}

export function assertOptions(options: DcvNetworkOptions): void {
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new RangeError(`DCV timeoutMs must be a positive number, got ${options.timeoutMs}`);
  }
  if (typeof options.now !== "function") throw new TypeError("DCV options.now must be a function");
}

/** Seals a result: `checkedAt` is read when the check finishes; a failure carries its structured cause. */
export function finish(
  options: DcvNetworkOptions,
  evidence: DcvEvidence,
  failure?: DcvFailure,
  detail?: string,
): DcvResult {
  const full: DcvEvidence = { ...evidence, result: failure ? "FAILED" : "VALID" };
  if (!failure) return { ok: true, method: evidence.method, checkedAt: options.now(), evidence: full };
  const cause = causeOf(failure, full, detail ?? failure);
  full.failure = failure;
  full.cause = cause;
  if (detail) full.detail = detail;
  return { ok: false, method: evidence.method, checkedAt: options.now(), evidence: full, failure, cause };
}

export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "UNKNOWN";
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Checks shared by every method before any network I/O: the normalised name, or a failed result. */
export function precheck(
  name: string,
  token: string,
  options: DcvNetworkOptions,
  evidence: DcvEvidence,
): { name: string; wildcard: boolean } | DcvResult {
  // APP-12 refuses special-use names too; the check comes first so such a name fails as RESERVED_NAME.
  const reserved = reservedSuffixOf(name);
  if (reserved) {
    evidence.reservedSuffix = reserved;
    return finish(
      options,
      evidence,
      "RESERVED_NAME",
      `".${reserved}" is a reserved or internal suffix; such names are never contacted`,
    );
  }
  const checked = normalizeHostname(name, { allowWildcard: true });
  if (!checked.ok) return finish(options, evidence, "INVALID_NAME", `${checked.code}: ${checked.message}`);
  const problem = tokenProblem(token);
  if (problem) return finish(options, evidence, "INVALID_TOKEN", problem);
  return { name: checked.name, wildcard: checked.wildcard };
}

export function isResult(x: { name: string; wildcard: boolean } | DcvResult): x is DcvResult {
  return "checkedAt" in x;
}
