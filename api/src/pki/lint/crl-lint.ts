import { AsnParser } from "@peculiar/asn1-schema";
import { AuthorityKeyIdentifier, CRLReason, IssuingDistributionPoint, TBSCertList, Version } from "@peculiar/asn1-x509";
import {
  bytes,
  checkDerRoundTrip,
  checkFetchUrl,
  checkIntegerContent,
  checkSignatureAlgorithm,
  checkTime,
  encode,
  extensionMap,
  extensionValue,
  IntegerHolder,
  type IssuerFacts,
} from "./common";
import { Findings, LintError, type LintResult } from "./lint-error";

const EXT = {
  authorityKeyIdentifier: "2.5.29.35",
  cRLNumber: "2.5.29.20",
  issuingDistributionPoint: "2.5.29.28",
  reasonCode: "2.5.29.21",
  invalidityDate: "2.5.29.24",
} as const;

const DAY_MS = 86_400_000;
/** BR 4.9.7: nextUpdate at most ten days after thisUpdate (STAT-1 uses seven). */
export const CRL_MAX_VALIDITY_DAYS = 10;
/** RFC 5280 5.3.1 codes a CRL of this CA may carry: not unspecified (0, written by leaving the extension out), certificateHold (BR 7.2.2), removeFromCRL (delta CRLs only) or aACompromise. */
const ALLOWED_REASON_CODES = new Set([1, 2, 3, 4, 5, 9]);

export interface CrlProfile {
  issuer: IssuerFacts;
  maxValidityDays?: number;
}

/** RFC 5280 section 5 and BR 7.2 checks on a DER TBSCertList. */
export function lintCrlTbs(tbsDer: Buffer, profile: CrlProfile, outerSignatureAlgorithm: Buffer): LintResult {
  const f = new Findings();
  let tbs: TBSCertList;
  try {
    // asn1js stops at 10,000 nodes by default (a guard for untrusted input); our own TBS has about six
    // per entry, and no DER node is shorter than two bytes, so its length bounds the count.
    tbs = AsnParser.parse(tbsDer, TBSCertList, { berOptions: { maxNodes: tbsDer.length } });
  } catch (err) {
    f.error("e_crl_tbs_undecodable", `the TBSCertList does not decode: ${(err as Error).message}`);
    return f.result();
  }
  checkDerRoundTrip(f, tbsDer, tbs, "e_crl_tbs_not_der");
  f.check(tbs.version === Version.v2, "e_crl_version_not_2", "a CRL with extensions must be v2 (RFC 5280 5.1.2.1)");
  checkSignatureAlgorithm(f, tbs.signature, profile.issuer, outerSignatureAlgorithm, "crl");
  f.check(encode(tbs.issuer).equals(profile.issuer.subjectName), "e_crl_issuer_not_ca_subject", "issuer is not the CA's subject byte for byte");
  const thisUpdate = checkTime(f, tbs.thisUpdate, "e_crl_time_encoding", "thisUpdate");
  if (!tbs.nextUpdate) f.error("e_crl_next_update_missing", "nextUpdate is absent (RFC 5280 5.1.2.5: conforming CAs include it)");
  else {
    const nextUpdate = checkTime(f, tbs.nextUpdate, "e_crl_time_encoding", "nextUpdate");
    if (thisUpdate && nextUpdate) {
      f.check(thisUpdate < nextUpdate, "e_crl_this_update_after_next_update", "thisUpdate is not before nextUpdate");
      const max = profile.maxValidityDays ?? CRL_MAX_VALIDITY_DAYS;
      f.check(nextUpdate.getTime() - thisUpdate.getTime() <= max * DAY_MS, "e_crl_validity_too_long", `nextUpdate is more than ${max} days after thisUpdate`);
    }
  }

  const exts = extensionMap(f, tbs.crlExtensions, "e_crl_ext_duplicate");
  const akiExt = exts.get(EXT.authorityKeyIdentifier);
  if (!akiExt) f.error("e_crl_aki_missing", "authorityKeyIdentifier is absent (RFC 5280 5.2.1)");
  else {
    f.check(!akiExt.critical, "e_crl_aki_critical", "authorityKeyIdentifier must not be critical");
    const aki = extensionValue(f, akiExt, AuthorityKeyIdentifier, "e_crl_aki_invalid");
    if (aki) f.check(!!aki.keyIdentifier && bytes(aki.keyIdentifier.buffer).equals(profile.issuer.keyId), "e_crl_aki_not_issuer_ski", "keyIdentifier is not the CA's SKI");
  }
  const numberExt = exts.get(EXT.cRLNumber);
  if (!numberExt) f.error("e_crl_number_missing", "cRLNumber is absent (RFC 5280 5.2.3)");
  else {
    f.check(!numberExt.critical, "e_crl_number_critical", "cRLNumber must not be critical");
    const n = extensionValue(f, numberExt, IntegerHolder, "e_crl_number_invalid");
    if (n) checkIntegerContent(f, bytes(n.value), "crl_number", "cRLNumber", false);
  }
  const idpExt = exts.get(EXT.issuingDistributionPoint);
  if (idpExt) {
    f.check(idpExt.critical, "e_crl_idp_not_critical", "issuingDistributionPoint must be critical (RFC 5280 5.2.5)");
    const idp = extensionValue(f, idpExt, IssuingDistributionPoint, "e_crl_idp_invalid");
    if (idp) {
      const full = idp.distributionPoint?.fullName;
      if (!full || full.length === 0) f.error("e_crl_idp_no_full_name", "issuingDistributionPoint has no distributionPoint fullName");
      else for (const gn of full) checkFetchUrl(f, gn.uniformResourceIdentifier, "crl_idp", "issuingDistributionPoint");
      f.check(!idp.indirectCRL && !idp.onlySomeReasons && !idp.onlyContainsAttributeCerts, "e_crl_idp_scope", "indirect, partial-reason or attribute-certificate CRLs are not issued here");
      f.check(!(idp.onlyContainsUserCerts && idp.onlyContainsCACerts), "e_crl_idp_scope", "onlyContainsUserCerts and onlyContainsCACerts together");
    }
  }
  for (const id of exts.keys()) {
    f.check(id === EXT.authorityKeyIdentifier || id === EXT.cRLNumber || id === EXT.issuingDistributionPoint, "e_crl_ext_unknown", `CRL extension ${id} is not in the profile`);
  }

  // Entries: an empty list is written by leaving the field out (RFC 5280 5.1.2.6).
  if (tbs.revokedCertificates) f.check(tbs.revokedCertificates.length > 0, "e_crl_empty_revoked_list", "revokedCertificates is present but empty");
  const seen = new Set<string>();
  for (const entry of tbs.revokedCertificates ?? []) {
    const serial = bytes(entry.userCertificate);
    const hex = serial.toString("hex");
    checkIntegerContent(f, serial, "crl_entry_serial", `entry serial ${hex}`, false);
    if (seen.has(hex)) f.error("e_crl_entry_duplicate_serial", `serial ${hex} is listed twice`);
    seen.add(hex);
    checkTime(f, entry.revocationDate, "e_crl_time_encoding", `revocationDate of ${hex}`);
    if (entry.crlEntryExtensions) f.check(entry.crlEntryExtensions.length > 0, "e_crl_entry_empty_extensions", `entry ${hex} has an empty crlEntryExtensions`);
    const entryExts = extensionMap(f, entry.crlEntryExtensions, "e_crl_entry_ext_duplicate");
    for (const [id, ext] of entryExts) {
      f.check(!ext.critical, "e_crl_entry_ext_critical", `entry ${hex}: extension ${id} is critical`);
      if (id === EXT.reasonCode) {
        const reason = extensionValue(f, ext, CRLReason, "e_crl_reason_invalid");
        if (!reason) continue;
        if (reason.reason === 0) f.error("e_crl_reason_unspecified", `entry ${hex}: unspecified must be written by leaving reasonCode out (BR 7.2.2)`);
        else f.check(ALLOWED_REASON_CODES.has(reason.reason), "e_crl_reason_not_allowed", `entry ${hex}: reason code ${reason.reason}`);
      } else f.check(id === EXT.invalidityDate, "e_crl_entry_ext_unknown", `entry ${hex}: extension ${id}`);
    }
  }
  return f.result();
}

export function assertCrlLints(tbsDer: Buffer, profile: CrlProfile, outerSignatureAlgorithm: Buffer): LintResult {
  const result = lintCrlTbs(tbsDer, profile, outerSignatureAlgorithm);
  if (result.errors.length) throw new LintError("CRL", result.errors);
  return result;
}
