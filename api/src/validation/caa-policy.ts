/**
 * APP-11, RFC 8659, RFC 8657: whether a CAA record set lets this CA issue. Pure: the records come in,
 * a decision goes out. The DNS side (tree climbing, failures) is in caa.ts.
 */
import type { FailureCauseCode } from "./evidence";

/** APP-11 Decision: a CAA result is used for at most 8 hours (the Baseline Requirements allow 8). */
export const CAA_RESULT_HOURS = 8;

export interface CaaRecord {
  /** The issuer-critical flag (bit 0 of the flags octet, value 128). */
  critical: boolean;
  /** Lower case. */
  tag: string;
  value: string;
}

export interface CaaContext {
  /** The operator's issuer domain names (configuration), lower case. */
  issuerDomains: string[];
  /** The name is a wildcard: `issuewild` governs when present (RFC 8659 §4.3). */
  wildcard: boolean;
  /** RFC 8657 §3: the ACME account URL; null outside ACME (then an `accounturi` never matches). */
  accountUri: string | null;
  /** RFC 8657 §4: the validation method used ("http-01", "dns-01", or a "ca-…" label for GraphQL methods). */
  method: string;
}

export type CaaDecision =
  | { permitted: true; reason: "NO_ISSUE_PROPERTY" | "AUTHORIZED"; matched?: string }
  | { permitted: false; cause: FailureCauseCode; message: string };

/** Properties this CA understands; any other one flagged critical blocks issuance (RFC 8659 §4.5). */
const KNOWN_TAGS = new Set(["issue", "issuewild", "iodef", "contactemail", "contactphone", "issuemail", "issuevmc"]);

export interface IssueValue {
  /** Null for ";" (no CA may issue). */
  issuer: string | null;
  params: Record<string, string>;
}

/**
 * RFC 8659 §4.2: `issuer-domain-name [; tag=value [; tag=value …]]`. Returns null when malformed, which
 * §4.2 says to treat as a property that names no CA.
 */
export function parseIssueValue(value: string): IssueValue | null {
  const [head, ...rest] = value.split(";");
  const issuer = head.trim();
  if (
    issuer !== "" &&
    !/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(issuer)
  )
    return null;
  const params: Record<string, string> = {};
  for (const raw of rest) {
    const part = raw.trim();
    if (part === "") {
      if (rest.length === 1) continue; // "issuer;" is allowed
      return null;
    }
    const m = /^([A-Za-z0-9]+)\s*=\s*([\x21-\x3a\x3c-\x7e]*)$/.exec(part);
    if (!m) return null;
    params[m[1].toLowerCase()] = m[2];
  }
  return { issuer: issuer === "" ? null : issuer.toLowerCase(), params };
}

type Verdict = "PERMITS" | "OTHER_ISSUER" | "ACCOUNT_MISMATCH" | "METHOD_MISMATCH";

function judge(record: CaaRecord, ctx: CaaContext): Verdict {
  const parsed = parseIssueValue(record.value);
  if (!parsed || parsed.issuer === null) return "OTHER_ISSUER";
  const issuer = parsed.issuer.replace(/\.$/, "");
  if (!ctx.issuerDomains.includes(issuer)) return "OTHER_ISSUER";
  // RFC 8657 §3: an accounturi binds the permission to one ACME account.
  if (parsed.params.accounturi !== undefined && parsed.params.accounturi !== ctx.accountUri) return "ACCOUNT_MISMATCH";
  // RFC 8657 §4: validationmethods lists the methods that may be used.
  if (parsed.params.validationmethods !== undefined) {
    const methods = parsed.params.validationmethods.split(",").map((m) => m.trim().toLowerCase());
    if (!methods.includes(ctx.method.toLowerCase())) return "METHOD_MISMATCH";
  }
  return "PERMITS";
}

/**
 * APP-11: the decision for the relevant record set of a name (RFC 8659 §3 found it; empty set = no CAA).
 * @rule APP-11 — validation/caa.ts checkCaa climbs the DNS tree and defers to it
 */
export function evaluateCaa(records: CaaRecord[], ctx: CaaContext): CaaDecision {
  const unknownCritical = records.find((r) => r.critical && !KNOWN_TAGS.has(r.tag));
  if (unknownCritical) {
    return {
      permitted: false,
      cause: "CAA_CRITICAL_UNKNOWN_PROPERTY",
      message: `CAA property "${unknownCritical.tag}" is flagged critical and not understood (RFC 8659 §4.5)`,
    };
  }
  const wild = records.filter((r) => r.tag === "issuewild");
  const relevant = ctx.wildcard && wild.length > 0 ? wild : records.filter((r) => r.tag === "issue");
  const tag = ctx.wildcard && wild.length > 0 ? "issuewild" : "issue";
  if (relevant.length === 0) return { permitted: true, reason: "NO_ISSUE_PROPERTY" };
  const verdicts = relevant.map((r) => ({ r, v: judge(r, ctx) }));
  const permit = verdicts.find((x) => x.v === "PERMITS");
  if (permit) return { permitted: true, reason: "AUTHORIZED", matched: `${tag} "${permit.r.value}"` };
  if (verdicts.some((x) => x.v === "ACCOUNT_MISMATCH")) {
    return {
      permitted: false,
      cause: "CAA_ACCOUNT_URI_MISMATCH",
      message: `the ${tag} property names this CA for another ACME account (RFC 8657 accounturi)`,
    };
  }
  if (verdicts.some((x) => x.v === "METHOD_MISMATCH")) {
    return {
      permitted: false,
      cause: "CAA_VALIDATION_METHOD_NOT_ALLOWED",
      message: `the ${tag} property does not allow validation by ${ctx.method} (RFC 8657 validationmethods)`,
    };
  }
  return {
    permitted: false,
    cause: "CAA_ISSUER_NOT_AUTHORIZED",
    message: `no ${tag} property names ${ctx.issuerDomains.join(" or ")}`,
  };
}

/** "0 issue \"ca.example\"": a record in presentation form, for evidence. */
export function formatCaaRecord(r: CaaRecord): string {
  return `${r.critical ? 128 : 0} ${r.tag} "${r.value}"`;
}
