import { buildCrl, type CrlEntry } from "../../api/src/pki/crl";
import { issuerContext } from "../../api/src/pki/certificate-der";
import {
  enumerated,
  explicit,
  implicitPrimitive,
  integer,
  integerFromContent,
  sequence,
  x509Time,
} from "../../api/src/pki/der";
import { authorityKeyIdentifier, crlNumber, extension, reasonCode } from "../../api/src/pki/extensions";
import { newSerialHex } from "../../api/src/pki/issue";
import { LintError, lintCrlTbs, type CrlProfile } from "../../api/src/pki/lint";
import { encodeName } from "../../api/src/pki/names";
import { signatureAlgorithmIdentifier, type Signer } from "../../api/src/pki/signer";
import { makeTestCa, type TestCa } from "../support/pki-fixtures";
import { TempDir } from "../support/openssl";
import { stopCrlThread } from "../../api/src/pki/crl-thread";

/** Issue 15.6: one test per CRL lint (RFC 5280 section 5, BR 4.9.7 / 7.2). */

const dir = new TempDir();
afterAll(async () => {
  dir.remove();
  await stopCrlThread();
});
const DAY = 86_400_000;
const NOW = new Date(Date.UTC(2026, 11, 1, 3, 0, 0));

let ca: TestCa;
let profile: CrlProfile;
let alg: Buffer;
beforeAll(async () => {
  ca = await makeTestCa(dir, "ECDSA_P256");
  const i = issuerContext(ca.issuing.certDer);
  profile = { issuer: { subjectName: i.subjectName, spki: i.spki, keyId: i.keyId } };
  alg = signatureAlgorithmIdentifier(ca.issuing.signer.keyAlgorithm);
});

function spy(inner: Signer): Signer & { calls: number } {
  const s = {
    keyAlgorithm: inner.keyAlgorithm,
    publicKeySpki: inner.publicKeySpki,
    calls: 0,
    sign: (d: Buffer) => (s.calls++, inner.sign(d)),
  };
  return s;
}

async function refusedBuild(
  over: { entries?: CrlEntry[]; nextUpdate?: Date; crlNumber?: bigint; forceThread?: boolean },
  id: string,
): Promise<void> {
  const signer = spy(ca.issuing.signer);
  const err = await buildCrl({
    issuer: { certDer: ca.issuing.certDer, signer },
    crlNumber: over.crlNumber ?? 7n,
    thisUpdate: NOW,
    nextUpdate: over.nextUpdate ?? new Date(NOW.getTime() + 7 * DAY),
    entries: over.entries ?? [],
    forceThread: over.forceThread,
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LintError);
  expect((err as LintError).ids).toContain(id);
  expect(signer.calls).toBe(0);
}

const serial = () => integerFromContent(Buffer.from(newSerialHex(), "hex"));
const entry = (...exts: Buffer[]) =>
  sequence(serial(), x509Time(new Date(NOW.getTime() - DAY)), ...(exts.length ? [sequence(...exts)] : []));
const idp = (critical: boolean, url = "http://pki.akashi.test/crl/1/3.crl") =>
  extension("2.5.29.28", critical, sequence(explicit(0, explicit(0, implicitPrimitive(6, Buffer.from(url))))));

/** A TBSCertList like buildCrl's, with parts replaced. */
function tbs(
  p: {
    version?: Buffer | null;
    sigAlg?: Buffer;
    issuer?: Buffer;
    thisUpdate?: Buffer;
    nextUpdate?: Buffer | null;
    entries?: Buffer[];
    extensions?: Buffer[];
  } = {},
): Buffer {
  return sequence(
    ...(p.version === null ? [] : [p.version ?? integer(1)]),
    p.sigAlg ?? alg,
    p.issuer ?? profile.issuer.subjectName,
    p.thisUpdate ?? x509Time(NOW),
    ...(p.nextUpdate === null ? [] : [p.nextUpdate ?? x509Time(new Date(NOW.getTime() + 7 * DAY))]),
    ...(p.entries ? [sequence(...p.entries)] : []),
    explicit(0, sequence(...(p.extensions ?? [authorityKeyIdentifier(profile.issuer.keyId), crlNumber(7n)]))),
  );
}
const ids = (der: Buffer, outer = alg) => lintCrlTbs(der, profile, outer).errors.map((e) => e.id);

test("issue 15.6: the well-formed baseline passes (control), with entries, reasons and an Issuing Distribution Point", async () => {
  expect(ids(tbs())).toEqual([]);
  expect(ids(tbs({ entries: [entry(), entry(reasonCode(1)), entry(reasonCode(9))] }))).toEqual([]);
  expect(ids(tbs({ extensions: [authorityKeyIdentifier(profile.issuer.keyId), crlNumber(7n), idp(true)] }))).toEqual(
    [],
  );
  const signer = spy(ca.issuing.signer);
  await buildCrl({
    issuer: { certDer: ca.issuing.certDer, signer },
    crlNumber: 1n,
    thisUpdate: NOW,
    nextUpdate: new Date(NOW.getTime() + 10 * DAY),
    entries: [
      { serialHex: newSerialHex(), revokedAt: NOW, reason: "unspecified" },
      { serialHex: newSerialHex(), revokedAt: NOW, reason: "keyCompromise" },
    ],
  });
  expect(signer.calls).toBe(1);
});

const oneSerialTwice = (): CrlEntry[] => {
  const s = newSerialHex();
  return [
    { serialHex: s, revokedAt: NOW, reason: "superseded" },
    { serialHex: s, revokedAt: NOW, reason: "keyCompromise" },
  ];
};
test("e_crl_entry_duplicate_serial: the same serial twice (through buildCrl)", () =>
  refusedBuild({ entries: oneSerialTwice() }, "e_crl_entry_duplicate_serial"));
test("e_crl_entry_duplicate_serial: a large CRL is linted in the worker thread that builds it, and its refusal is the same LintError", () =>
  refusedBuild({ entries: oneSerialTwice(), forceThread: true }, "e_crl_entry_duplicate_serial"));
test("e_crl_validity_too_long: nextUpdate 10 days and 1 second after thisUpdate (through buildCrl)", () =>
  refusedBuild({ nextUpdate: new Date(NOW.getTime() + 10 * DAY + 1000) }, "e_crl_validity_too_long"));
test("e_crl_number_not_positive: CRLNumber 0 (through buildCrl)", () =>
  refusedBuild({ crlNumber: 0n }, "e_crl_number_not_positive"));

test("e_crl_version_not_2: a v1 CRL", () => expect(ids(tbs({ version: null }))).toContain("e_crl_version_not_2"));
test("e_crl_signature_algorithm_mismatch / inner_outer", () => {
  const p384 = signatureAlgorithmIdentifier("ECDSA_P384");
  expect(ids(tbs({ sigAlg: p384 }), p384)).toContain("e_crl_signature_algorithm_mismatch");
  expect(ids(tbs(), p384)).toEqual(["e_crl_signature_algorithm_inner_outer"]);
});
test("e_crl_issuer_not_ca_subject", () =>
  expect(ids(tbs({ issuer: encodeName({ commonName: "Someone Else CA" }) }))).toContain("e_crl_issuer_not_ca_subject"));
test("e_crl_this_update_after_next_update", () =>
  expect(ids(tbs({ nextUpdate: x509Time(new Date(NOW.getTime() - 1000)) }))).toContain(
    "e_crl_this_update_after_next_update",
  ));
test("e_crl_next_update_missing", () => expect(ids(tbs({ nextUpdate: null }))).toContain("e_crl_next_update_missing"));
test("e_crl_time_encoding: GeneralizedTime for 2026", () => {
  const gen = Buffer.concat([Buffer.from([0x18, 15]), Buffer.from("20261201030000Z")]);
  expect(ids(tbs({ thisUpdate: gen }))).toContain("e_crl_time_encoding");
});
test("e_crl_aki_missing / e_crl_aki_not_issuer_ski", () => {
  expect(ids(tbs({ extensions: [crlNumber(7n)] }))).toContain("e_crl_aki_missing");
  expect(ids(tbs({ extensions: [authorityKeyIdentifier(Buffer.alloc(20, 9)), crlNumber(7n)] }))).toContain(
    "e_crl_aki_not_issuer_ski",
  );
});
test("e_crl_number_missing / e_crl_number_critical / e_crl_number_too_long", () => {
  const aki = authorityKeyIdentifier(profile.issuer.keyId);
  expect(ids(tbs({ extensions: [aki] }))).toContain("e_crl_number_missing");
  expect(ids(tbs({ extensions: [aki, extension("2.5.29.20", true, integer(7))] }))).toContain("e_crl_number_critical");
  expect(
    ids(tbs({ extensions: [aki, extension("2.5.29.20", false, integerFromContent(Buffer.alloc(21, 0x11)))] })),
  ).toContain("e_crl_number_too_long");
});
test("e_crl_ext_duplicate / e_crl_ext_unknown", () => {
  const aki = authorityKeyIdentifier(profile.issuer.keyId);
  expect(ids(tbs({ extensions: [aki, crlNumber(7n), crlNumber(8n)] }))).toContain("e_crl_ext_duplicate");
  expect(ids(tbs({ extensions: [aki, crlNumber(7n), extension("2.5.29.27", true, integer(6))] }))).toContain(
    "e_crl_ext_unknown",
  ); // delta CRL indicator
});
test("e_crl_idp_not_critical / e_crl_idp_no_full_name / e_crl_idp_url_not_http", () => {
  const base = [authorityKeyIdentifier(profile.issuer.keyId), crlNumber(7n)];
  expect(ids(tbs({ extensions: [...base, idp(false)] }))).toContain("e_crl_idp_not_critical");
  expect(
    ids(
      tbs({ extensions: [...base, extension("2.5.29.28", true, sequence(implicitPrimitive(1, Buffer.from([0xff]))))] }),
    ),
  ).toContain("e_crl_idp_no_full_name");
  expect(ids(tbs({ extensions: [...base, idp(true, "ldap://pki.akashi.test/crl")] }))).toContain(
    "e_crl_idp_url_not_http",
  );
});
test("e_crl_reason_unspecified: unspecified written as an extension", () =>
  expect(ids(tbs({ entries: [entry(reasonCode(0))] }))).toContain("e_crl_reason_unspecified"));
test("e_crl_reason_not_allowed: certificateHold and removeFromCRL", () => {
  expect(ids(tbs({ entries: [entry(reasonCode(6))] }))).toContain("e_crl_reason_not_allowed");
  expect(ids(tbs({ entries: [entry(reasonCode(8))] }))).toContain("e_crl_reason_not_allowed");
});
test("e_crl_reason_invalid: a reasonCode that is not an ENUMERATED", () =>
  expect(ids(tbs({ entries: [entry(extension("2.5.29.21", false, integer(1)))] }))).toContain("e_crl_reason_invalid"));
test("e_crl_entry_ext_critical / e_crl_entry_ext_unknown / e_crl_entry_ext_duplicate", () => {
  expect(ids(tbs({ entries: [entry(extension("2.5.29.21", true, enumerated(1)))] }))).toContain(
    "e_crl_entry_ext_critical",
  );
  expect(ids(tbs({ entries: [entry(extension("2.5.29.29", false, sequence()))] }))).toContain(
    "e_crl_entry_ext_unknown",
  ); // certificateIssuer
  expect(ids(tbs({ entries: [entry(reasonCode(1), reasonCode(4))] }))).toContain("e_crl_entry_ext_duplicate");
});
test("e_crl_tbs_not_der: revokedCertificates present but empty (the decoder drops it, so the bytes do not round-trip)", () =>
  expect(ids(tbs({ entries: [] }))).toEqual(
    expect.arrayContaining([expect.stringMatching(/^e_crl_(empty_revoked_list|tbs_not_der)$/)]),
  ));
test("e_crl_entry_serial_not_positive: a zero serial", () =>
  expect(ids(tbs({ entries: [sequence(integerFromContent(Buffer.from([0])), x509Time(NOW))] }))).toContain(
    "e_crl_entry_serial_not_positive",
  ));
