import { childrenOf, readTlv, TAG, type Tlv } from "../der";
import { checkIntegerContent } from "./common";
import type { Findings } from "./lint-error";

/**
 * The revoked-certificates list of a TBSCertList, read with pki/der.ts's strict DER reader (the reading
 * half, used for CSRs too; not the encoder that wrote the list). @peculiar/asn1-x509 decodes the rest of
 * the CRL; for the list it costs about 80 µs an entry (2.4 s for 30,000 in asn1js alone), which would
 * make a large CRL late (STAT-1: within seconds). This walk is linear and checks what RFC 5280 5.1.2.6
 * and 5.3 ask of an entry.
 */

const OID_REASON_CODE = Buffer.from([0x55, 0x1d, 0x15]); // 2.5.29.21
const OID_INVALIDITY_DATE = Buffer.from([0x55, 0x1d, 0x18]); // 2.5.29.24

/** UTCTime YYMMDDHHMMSSZ before 2050, GeneralizedTime YYYYMMDDHHMMSSZ from 2050 (RFC 5280 5.1.2.4). */
function checkEntryTime(f: Findings, t: Tlv, what: string): void {
  const text = t.value.toString("latin1");
  const m =
    t.tag === TAG.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : t.tag === TAG.GENERALIZED_TIME
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null;
  if (!m) {
    f.error("e_crl_time_encoding", `${what} is not a DER UTCTime or GeneralizedTime`);
    return;
  }
  const year = t.tag === TAG.UTC_TIME ? (Number(m[1]) < 50 ? 2000 : 1900) + Number(m[1]) : Number(m[1]);
  const date = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  f.check(
    date.getUTCFullYear() === year && date.getUTCMonth() === Number(m[2]) - 1 && date.getUTCDate() === Number(m[3]),
    "e_crl_time_encoding",
    `${what} is not a calendar date`,
  );
  if (year < 2050) f.check(t.tag === TAG.UTC_TIME, "e_crl_time_encoding", `${what} in ${year} must be UTCTime`);
  else f.check(t.tag === TAG.GENERALIZED_TIME, "e_crl_time_encoding", `${what} in ${year} must be GeneralizedTime`);
}

function checkEntryExtensions(f: Findings, list: Tlv, hex: string, allowedReasons: ReadonlySet<number>): void {
  const exts = childrenOf(list);
  f.check(exts.length > 0, "e_crl_entry_empty_extensions", `entry ${hex} has an empty crlEntryExtensions`);
  const seen = new Set<string>();
  for (const ext of exts) {
    const parts = ext.tag === TAG.SEQUENCE ? childrenOf(ext) : [];
    const [oid, second, third] = parts;
    if (!oid || oid.tag !== TAG.OID || !second || parts.length > 3) {
      f.error("e_crl_reason_invalid", `entry ${hex}: an extension is not SEQUENCE { OID, [critical], OCTET STRING }`);
      continue;
    }
    const id = oid.value;
    const key = id.toString("hex");
    if (seen.has(key)) f.error("e_crl_entry_ext_duplicate", `entry ${hex}: extension ${key} twice`);
    seen.add(key);
    const critical = second.tag === TAG.BOOLEAN;
    // DER never writes the default: a critical field present must say TRUE, and TRUE is not allowed here.
    if (critical) f.error("e_crl_entry_ext_critical", `entry ${hex}: extension ${key} carries a critical flag`);
    const value = critical ? third : second;
    if (!value || value.tag !== TAG.OCTET_STRING) {
      f.error("e_crl_reason_invalid", `entry ${hex}: extension ${key} has no OCTET STRING value`);
      continue;
    }
    if (id.equals(OID_REASON_CODE)) {
      let reason: Tlv | undefined;
      try {
        reason = readTlv(value.value);
      } catch {
        reason = undefined;
      }
      if (
        !reason ||
        reason.tag !== TAG.ENUMERATED ||
        reason.raw.length !== value.value.length ||
        reason.value.length !== 1
      ) {
        f.error("e_crl_reason_invalid", `entry ${hex}: reasonCode is not one ENUMERATED octet`);
        continue;
      }
      const code = reason.value[0];
      if (code === 0)
        f.error(
          "e_crl_reason_unspecified",
          `entry ${hex}: unspecified must be written by leaving reasonCode out (BR 7.2.2)`,
        );
      else f.check(allowedReasons.has(code), "e_crl_reason_not_allowed", `entry ${hex}: reason code ${code}`);
    } else f.check(id.equals(OID_INVALIDITY_DATE), "e_crl_entry_ext_unknown", `entry ${hex}: extension ${key}`);
  }
}

/** RFC 5280 5.1.2.6 and 5.3: every entry of `list` (the revokedCertificates SEQUENCE). */
export function lintCrlEntries(f: Findings, list: Tlv, allowedReasons: ReadonlySet<number>): void {
  const seen = new Set<string>();
  let count = 0;
  for (let at = 0; at < list.value.length;) {
    let entry: Tlv;
    try {
      entry = readTlv(list.value, at);
    } catch (err) {
      f.error("e_crl_tbs_not_der", `revokedCertificates: ${(err as Error).message}`);
      return;
    }
    at += entry.raw.length;
    count++;
    let parts: Tlv[];
    try {
      parts = entry.tag === TAG.SEQUENCE ? childrenOf(entry) : [];
    } catch (err) {
      f.error("e_crl_tbs_not_der", `revokedCertificates entry ${count}: ${(err as Error).message}`);
      continue;
    }
    const [serial, date, exts] = parts;
    if (!serial || serial.tag !== TAG.INTEGER || !date || parts.length > 3 || (exts && exts.tag !== TAG.SEQUENCE)) {
      f.error(
        "e_crl_tbs_undecodable",
        `revokedCertificates entry ${count} is not SEQUENCE { INTEGER, Time, [extensions] }`,
      );
      continue;
    }
    const hex = serial.value.toString("hex");
    checkIntegerContent(f, serial.value, "crl_entry_serial", `entry serial ${hex}`, false);
    if (seen.has(hex)) f.error("e_crl_entry_duplicate_serial", `serial ${hex} is listed twice`);
    seen.add(hex);
    checkEntryTime(f, date, `revocationDate of ${hex}`);
    if (exts) checkEntryExtensions(f, exts, hex, allowedReasons);
  }
  f.check(count > 0, "e_crl_empty_revoked_list", "revokedCertificates is present but empty");
}
