import { AsnParser } from "@peculiar/asn1-schema";
import { AuthorityKeyIdentifier, IssuingDistributionPoint, TBSCertList, Version } from "@peculiar/asn1-x509";
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
import { childrenOf, DerError, readWhole, TAG, tlv, type Tlv } from "../der";
import { lintCrlEntries, type LintedEntries } from "./crl-entries";
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

/** A CRL's findings, and the sorted keys of its entries' serials (null when it has no list or did not decode). */
export interface CrlLintResult extends LintResult {
  sortedSerialKeys: Float64Array | null;
}

/**
 * RFC 5280 section 5 and BR 7.2 checks on a DER TBSCertList. `known`: entries this lint passed in an
 * earlier CRL of the same scope; when the list begins with exactly their octets, only the entries after
 * them are read (crl-entries.ts lintNewEntries).
 */
export function lintCrlTbs(
  tbsDer: Buffer,
  profile: CrlProfile,
  outerSignatureAlgorithm: Buffer,
  known: LintedEntries | null = null,
): CrlLintResult {
  const f = new Findings();
  const undecoded = (): CrlLintResult => ({ ...f.result(), sortedSerialKeys: null });
  // The revoked-certificates list goes to its own walker (crl-entries.ts: decoding it with asn1js would
  // cost seconds for a large CRL); everything else is decoded by @peculiar/asn1-x509.
  let split: { header: Buffer; list: Tlv | null };
  try {
    split = withoutRevokedList(tbsDer);
  } catch (err) {
    f.error(
      err instanceof DerError ? "e_crl_tbs_not_der" : "e_crl_tbs_undecodable",
      `the TBSCertList does not decode: ${(err as Error).message}`,
    );
    return undecoded();
  }
  let tbs: TBSCertList;
  try {
    tbs = AsnParser.parse(split.header, TBSCertList);
  } catch (err) {
    f.error("e_crl_tbs_undecodable", `the TBSCertList does not decode: ${(err as Error).message}`);
    return undecoded();
  }
  checkDerRoundTrip(f, split.header, tbs, "e_crl_tbs_not_der");
  f.check(tbs.version === Version.v2, "e_crl_version_not_2", "a CRL with extensions must be v2 (RFC 5280 5.1.2.1)");
  checkSignatureAlgorithm(f, tbs.signature, profile.issuer, outerSignatureAlgorithm, "crl");
  f.check(
    encode(tbs.issuer).equals(profile.issuer.subjectName),
    "e_crl_issuer_not_ca_subject",
    "issuer is not the CA's subject byte for byte",
  );
  const thisUpdate = checkTime(f, tbs.thisUpdate, "e_crl_time_encoding", "thisUpdate");
  if (!tbs.nextUpdate)
    f.error("e_crl_next_update_missing", "nextUpdate is absent (RFC 5280 5.1.2.5: conforming CAs include it)");
  else {
    const nextUpdate = checkTime(f, tbs.nextUpdate, "e_crl_time_encoding", "nextUpdate");
    if (thisUpdate && nextUpdate) {
      f.check(thisUpdate < nextUpdate, "e_crl_this_update_after_next_update", "thisUpdate is not before nextUpdate");
      const max = profile.maxValidityDays ?? CRL_MAX_VALIDITY_DAYS;
      f.check(
        nextUpdate.getTime() - thisUpdate.getTime() <= max * DAY_MS,
        "e_crl_validity_too_long",
        `nextUpdate is more than ${max} days after thisUpdate`,
      );
    }
  }

  const exts = extensionMap(f, tbs.crlExtensions, "e_crl_ext_duplicate");
  const akiExt = exts.get(EXT.authorityKeyIdentifier);
  if (!akiExt) f.error("e_crl_aki_missing", "authorityKeyIdentifier is absent (RFC 5280 5.2.1)");
  else {
    f.check(!akiExt.critical, "e_crl_aki_critical", "authorityKeyIdentifier must not be critical");
    const aki = extensionValue(f, akiExt, AuthorityKeyIdentifier, "e_crl_aki_invalid");
    if (aki)
      f.check(
        !!aki.keyIdentifier && bytes(aki.keyIdentifier.buffer).equals(profile.issuer.keyId),
        "e_crl_aki_not_issuer_ski",
        "keyIdentifier is not the CA's SKI",
      );
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
      if (!full || full.length === 0)
        f.error("e_crl_idp_no_full_name", "issuingDistributionPoint has no distributionPoint fullName");
      else for (const gn of full) checkFetchUrl(f, gn.uniformResourceIdentifier, "crl_idp", "issuingDistributionPoint");
      f.check(
        !idp.indirectCRL && !idp.onlySomeReasons && !idp.onlyContainsAttributeCerts,
        "e_crl_idp_scope",
        "indirect, partial-reason or attribute-certificate CRLs are not issued here",
      );
      f.check(
        !(idp.onlyContainsUserCerts && idp.onlyContainsCACerts),
        "e_crl_idp_scope",
        "onlyContainsUserCerts and onlyContainsCACerts together",
      );
    }
  }
  for (const id of exts.keys()) {
    f.check(
      id === EXT.authorityKeyIdentifier || id === EXT.cRLNumber || id === EXT.issuingDistributionPoint,
      "e_crl_ext_unknown",
      `CRL extension ${id} is not in the profile`,
    );
  }

  // Entries: an empty list is written by leaving the field out (RFC 5280 5.1.2.6).
  const sortedSerialKeys = split.list ? lintCrlEntries(f, split.list, ALLOWED_REASON_CODES, known) : null;
  return { ...f.result(), sortedSerialKeys };
}

export function assertCrlLints(
  tbsDer: Buffer,
  profile: CrlProfile,
  outerSignatureAlgorithm: Buffer,
  known: LintedEntries | null = null,
): CrlLintResult {
  const result = lintCrlTbs(tbsDer, profile, outerSignatureAlgorithm, known);
  if (result.errors.length) throw new LintError("CRL", result.errors);
  return result;
}

const TIME_TAGS: ReadonlySet<number> = new Set([TAG.UTC_TIME, TAG.GENERALIZED_TIME]);

/**
 * The TBSCertList without its revokedCertificates field (re-wrapped in a SEQUENCE), and where that
 * field's TLV is in `tbsDer`. The list is the SEQUENCE that follows thisUpdate (and nextUpdate).
 */
function withoutRevokedList(tbsDer: Buffer): { header: Buffer; list: Tlv | null } {
  const parts = childrenOf(readWhole(tbsDer, TAG.SEQUENCE));
  const firstTime = parts.findIndex((p) => TIME_TAGS.has(p.tag));
  let listIndex = -1;
  if (firstTime >= 0) {
    const afterTimes = parts.findIndex((p, i) => i > firstTime && !TIME_TAGS.has(p.tag));
    if (afterTimes >= 0 && parts[afterTimes].tag === TAG.SEQUENCE) listIndex = afterTimes;
  }
  if (listIndex < 0) return { header: tbsDer, list: null };
  return {
    header: tlv(TAG.SEQUENCE, Buffer.concat(parts.filter((_, i) => i !== listIndex).map((p) => p.raw))),
    list: parts[listIndex],
  };
}
