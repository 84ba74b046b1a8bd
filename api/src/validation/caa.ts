/**
 * APP-11, BR 3.2.2.8, RFC 8659 §3: the CAA look-up before every issuance. The tree is climbed from the
 * name (a wildcard's base name) towards the top-level domain until a name has a non-empty CAA record
 * set; NXDOMAIN and empty answers mean "climb on"; any other DNS failure (SERVFAIL, REFUSED, timeout …)
 * blocks issuance. Results are returned, never thrown, with the evidence recorded by the caller.
 */
import type { CaaRecord as NodeCaaRecord } from "node:dns";
import { normalizeHostname } from "../domain/hostnames";
import type { DcvNetworkOptions } from "./check-common";
import { askDns } from "./dns-query";
import { type FailureCause, dnsResponseCodeOf } from "./evidence";
import { type CaaContext, type CaaRecord, evaluateCaa, formatCaaRecord } from "./caa-policy";
import { stripWildcard } from "./names";

type CaaStatus = "PERMITTED" | "REFUSED" | "FAILED";

export interface CaaEvidence {
  name: string;
  /** Each name asked, in order, with what it answered (RECORDS, EMPTY, NXDOMAIN or an error). */
  queried: { name: string; outcome: string }[];
  /** The name whose record set decided (absent when no name up the tree had one). */
  relevantName?: string;
  records?: string[];
  issuerDomains: string[];
  accountUri: string | null;
  method: string;
  matched?: string;
  dnsServers: string[] | "system";
  cause?: FailureCause;
}

export interface CaaResult {
  status: CaaStatus;
  name: string;
  checkedAt: Date;
  evidence: CaaEvidence;
  cause?: FailureCause;
}

export interface CaaRequest {
  /** As applied for: "*.example.jp" or "www.example.jp". */
  name: string;
  issuerDomains: string[];
  accountUri: string | null;
  method: string;
}

function toRecords(answer: NodeCaaRecord[]): CaaRecord[] {
  const out: CaaRecord[] = [];
  for (const r of answer) {
    for (const [key, value] of Object.entries(r)) {
      if (key === "critical") continue;
      // Node 24 adds type: "CAA" to each record object; it is the record type, not a property of the record.
      if (key === "type" && value === "CAA") continue;
      out.push({ critical: (Number(r.critical) & 128) !== 0, tag: key.toLowerCase(), value: String(value) });
    }
  }
  return out;
}

/** The names RFC 8659 §3 asks, from the name itself up to its top-level domain. */
function caaClimb(name: string): string[] {
  const labels = stripWildcard(name).split(".");
  return labels.map((_, i) => labels.slice(i).join("."));
}

/** APP-11: the CAA decision for one name. */
export async function checkCaa(req: CaaRequest, options: DcvNetworkOptions): Promise<CaaResult> {
  const checked = normalizeHostname(req.name, { allowWildcard: true });
  const name = checked.ok ? checked.name : req.name;
  const evidence: CaaEvidence = {
    name,
    queried: [],
    issuerDomains: req.issuerDomains,
    accountUri: req.accountUri,
    method: req.method,
    dnsServers: options.dnsServers.length > 0 ? [...options.dnsServers] : "system",
  };
  const done = (status: CaaStatus, cause?: FailureCause): CaaResult => {
    if (cause) evidence.cause = cause;
    return { status, name, checkedAt: options.now(), evidence, ...(cause ? { cause } : {}) };
  };
  if (!checked.ok) return done("FAILED", { code: "INVALID_NAME", message: checked.message });
  const ctx: CaaContext = {
    issuerDomains: req.issuerDomains,
    wildcard: checked.wildcard,
    accountUri: req.accountUri,
    method: req.method,
  };
  for (const queryName of caaClimb(name)) {
    const answer = await askDns(options.dnsServers, options.timeoutMs, (r) => r.resolveCaa(queryName));
    if (!answer.ok && (answer.errorCode === "ENOTFOUND" || answer.errorCode === "ENODATA")) {
      evidence.queried.push({ name: queryName, outcome: answer.errorCode === "ENOTFOUND" ? "NXDOMAIN" : "EMPTY" });
      continue;
    }
    if (!answer.ok) {
      const rcode = dnsResponseCodeOf(answer.errorCode);
      evidence.queried.push({ name: queryName, outcome: rcode ?? answer.errorCode });
      if (answer.errorCode === "TIMEOUT")
        return done("FAILED", { code: "TIMEOUT", message: answer.message, queryName });
      const message = `CAA look-up of ${queryName} failed (${rcode ?? answer.errorCode}); issuance is blocked (BR 3.2.2.8)`;
      return done("FAILED", {
        code: "DNS_RESPONSE_CODE",
        message,
        dnsResponseCode: rcode ?? answer.errorCode,
        queryName,
      });
    }
    const records = toRecords(answer.value);
    evidence.queried.push({ name: queryName, outcome: records.length > 0 ? "RECORDS" : "EMPTY" });
    if (records.length === 0) continue;
    evidence.relevantName = queryName;
    evidence.records = records.map(formatCaaRecord);
    const decision = evaluateCaa(records, ctx);
    if (decision.permitted) {
      if (decision.matched) evidence.matched = decision.matched;
      return done("PERMITTED");
    }
    return done("REFUSED", { code: decision.cause, message: decision.message, queryName });
  }
  return done("PERMITTED");
}
