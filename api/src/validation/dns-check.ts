/**
 * APP-9, ACME-4: domain control proved by a DNS TXT record.
 *
 * - DNS_TXT, BR 3.2.2.4.7 "DNS Change": a TXT record at `_pki-validation.<name>` equal to the token.
 * - ACME_DNS_01, RFC 8555 §8.4: a TXT record at `_acme-challenge.<name>` equal to
 *   base64url(SHA-256(key authorisation)).
 * A wildcard `*.x` is validated at `x`. A TXT value is its character-strings joined.
 */
import { createHash } from "node:crypto";
import { type DcvNetworkOptions, assertOptions, finish, isResult, precheck } from "./check-common";
import { askDns } from "./dns-query";
import type { DcvEvidence, DcvMethod, DcvResult } from "./evidence";
import { acmeDnsName, dnsTxtName, stripWildcard } from "./names";

const MAX_TXT_VALUES_IN_EVIDENCE = 50;
const MAX_TXT_VALUE_CHARS_IN_EVIDENCE = 300;

/** APP-9, BR 3.2.2.4.7: TXT at `_pki-validation.<name>` is the token. */
export function checkDnsTxt(name: string, token: string, options: DcvNetworkOptions): Promise<DcvResult> {
  return checkTxt("DNS_TXT", name, token, token, dnsTxtName, options);
}

/** RFC 8555 §8.4: the dns-01 TXT value for a key authorisation. */
function dns01Value(keyAuthorization: string): string {
  return createHash("sha256").update(keyAuthorization).digest("base64url");
}

/** ACME-4, RFC 8555 §8.4: TXT at `_acme-challenge.<name>` is the digest of the key authorisation. */
export function checkAcmeDns01(
  name: string,
  token: string,
  keyAuthorization: string,
  options: DcvNetworkOptions,
): Promise<DcvResult> {
  return checkTxt("ACME_DNS_01", name, token, dns01Value(keyAuthorization), acmeDnsName, options);
}

async function checkTxt(
  method: DcvMethod,
  name: string,
  token: string,
  expected: string,
  recordName: (name: string) => string,
  options: DcvNetworkOptions,
): Promise<DcvResult> {
  assertOptions(options);
  const evidence: DcvEvidence = { method, result: "FAILED", name, token };
  const pre = precheck(name, token, options, evidence);
  if (isResult(pre)) return pre;
  const queryName = recordName(pre.name);
  evidence.name = pre.name;
  evidence.validatedName = stripWildcard(pre.name);
  if (pre.wildcard) evidence.wildcard = true;
  evidence.queryName = queryName;
  evidence.queryType = "TXT";
  if (expected !== token) evidence.expected = expected;
  evidence.dnsServers = options.dnsServers.length > 0 ? [...options.dnsServers] : "system";
  const answer = await askDns(options.dnsServers, options.timeoutMs, (r) => r.resolveTxt(queryName));
  if (!answer.ok) {
    evidence.errorCode = answer.errorCode;
    if (answer.errorCode === "TIMEOUT") return finish(options, evidence, "TIMEOUT", answer.message);
    if (answer.errorCode === "ENOTFOUND")
      return finish(options, evidence, "DNS_NXDOMAIN", `${queryName} does not exist (NXDOMAIN)`);
    if (answer.errorCode === "ENODATA")
      return finish(options, evidence, "DNS_NO_TXT", `${queryName} has no TXT records`);
    return finish(options, evidence, "DNS_ERROR", answer.message);
  }
  const values = answer.value.map((chunks) => chunks.join(""));
  evidence.txtCount = values.length;
  evidence.txtValues = values
    .slice(0, MAX_TXT_VALUES_IN_EVIDENCE)
    .map((v) => (v.length > MAX_TXT_VALUE_CHARS_IN_EVIDENCE ? `${v.slice(0, MAX_TXT_VALUE_CHARS_IN_EVIDENCE)}…` : v));
  if (values.length === 0) return finish(options, evidence, "DNS_NO_TXT", `${queryName} has no TXT records`);
  if (!values.includes(expected))
    return finish(options, evidence, "TXT_MISMATCH", `no TXT record at ${queryName} is exactly the expected value`);
  return finish(options, evidence);
}
