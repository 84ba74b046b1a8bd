import { generateKeyPairSync } from "node:crypto";
import { buildCertificate, type CertificateFields } from "../../api/src/pki/certificate-builder";
import { issuerContext, readCertificateParts } from "../../api/src/pki/certificate-der";
import {
  boolean,
  explicit,
  integer,
  integerFromContent,
  octetString,
  oid,
  sequence,
  set,
  tlv,
  x509Time,
} from "../../api/src/pki/der";
import {
  authorityInfoAccess,
  authorityKeyIdentifier,
  basicConstraints,
  certificatePolicies,
  crlDistributionPoints,
  extension,
  extKeyUsage,
  keyIdentifierFor,
  keyUsage,
  OID,
  subjectAltNameDns,
  subjectKeyIdentifier,
} from "../../api/src/pki/extensions";
import { issueServerCertificate, newSerialHex } from "../../api/src/pki/issue";
import { LintError, lintCertificateTbs, type SubscriberProfile } from "../../api/src/pki/lint";
import { encodeName } from "../../api/src/pki/names";
import { signatureAlgorithmIdentifier, type KeyAlgorithm, type Signer } from "../../api/src/pki/signer";
import type { CaService } from "../../api/src/certificates/ca.service";
import { validityPeriodDays } from "../../api/src/domain/lifetime";
import { selfIssued } from "../../api/src/http/tls";
import { makeTestCa, URLS, type TestCa } from "../support/pki-fixtures";
import { TempDir } from "../support/openssl";

/**
 * Issue 15.6: one test per certificate lint. Each builds a deliberately broken TBS through the one
 * signing path (buildCertificate) and sees LintError with that id and the signer never called.
 */

const dir = new TempDir();
afterAll(() => dir.remove());
const DAY = 86_400_000;
const NAMES = ["shop.akashi-demo.jp", "www.shop.akashi-demo.jp"];

let ca: TestCa;
let rsaCa: TestCa;
const ecKey = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({ type: "spki", format: "der" });
const rsaKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "der" });

beforeAll(async () => {
  ca = await makeTestCa(dir, "ECDSA_P256");
  rsaCa = await makeTestCa(dir, "RSA_2048");
});

/** A Signer that counts its calls: the proof that nothing was signed. */
function spy(inner: Signer, keyAlgorithm: KeyAlgorithm = inner.keyAlgorithm): Signer & { calls: number } {
  const s = {
    keyAlgorithm,
    publicKeySpki: inner.publicKeySpki,
    calls: 0,
    sign(data: Buffer) {
      s.calls++;
      return inner.sign(data);
    },
  };
  return s;
}

type ExtName = "bc" | "ku" | "eku" | "ski" | "aki" | "san" | "cp" | "cdp" | "aia";

interface Variant {
  fields?: Partial<Omit<CertificateFields, "extensions" | "profile" | "signer">>;
  ext?: Partial<Record<ExtName, Buffer | null>>;
  extra?: Buffer[];
  profile?: Partial<SubscriberProfile>;
  keyAlgorithm?: KeyAlgorithm;
  issuer?: TestCa;
}

function fieldsFor(v: Variant, signer: Signer): CertificateFields {
  const issuerCa = v.issuer ?? ca;
  const issuer = issuerContext(issuerCa.issuing.certDer);
  const spki = v.fields?.subjectPublicKeySpki ?? ecKey;
  const base: Record<ExtName, Buffer> = {
    bc: basicConstraints(false),
    ku: keyUsage(spki === rsaKey ? ["digitalSignature", "keyEncipherment"] : ["digitalSignature"]),
    eku: extKeyUsage([OID.serverAuth]),
    ski: subjectKeyIdentifier(keyIdentifierFor(spki)),
    aki: authorityKeyIdentifier(issuer.keyId),
    san: subjectAltNameDns(NAMES),
    cp: certificatePolicies([OID.policyDV]),
    cdp: crlDistributionPoints([URLS.crlUrl]),
    aia: authorityInfoAccess({ ocsp: [URLS.ocspUrl], caIssuers: [URLS.caIssuersUrl] }),
  };
  const exts = (Object.keys(base) as ExtName[]).flatMap((k) => {
    const replaced = v.ext && k in v.ext ? v.ext[k] : base[k];
    return replaced ? [replaced] : [];
  });
  const now = Date.UTC(2026, 11, 1, 12, 0, 0);
  return {
    signer,
    issuerName: issuer.subjectName,
    serialHex: newSerialHex(),
    notBefore: new Date(now),
    notAfter: new Date(now + 90 * DAY),
    subjectName: encodeName({ commonName: NAMES[0] }),
    subjectPublicKeySpki: spki,
    ...v.fields,
    extensions: [...exts, ...(v.extra ?? [])],
    profile: {
      kind: "subscriber",
      issuer: { subjectName: issuer.subjectName, spki: issuer.spki, keyId: issuer.keyId },
      names: NAMES,
      validationLevel: "DV",
      ...v.profile,
    },
  };
}

async function refused(v: Variant, id: string): Promise<LintError> {
  const issuerCa = v.issuer ?? ca;
  const signer = spy(issuerCa.issuing.signer, v.keyAlgorithm);
  const err = await buildCertificate(fieldsFor(v, signer)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LintError);
  expect((err as LintError).ids).toContain(id);
  expect(signer.calls).toBe(0);
  return err as LintError;
}

test("issue 15.6: the well-formed baseline passes and is signed once (control for every refusal below)", async () => {
  for (const spki of [ecKey, rsaKey]) {
    const signer = spy(ca.issuing.signer);
    const { der, lint } = await buildCertificate(fieldsFor({ fields: { subjectPublicKeySpki: spki } }, signer));
    expect(lint.errors).toEqual([]);
    expect(lint.warnings).toEqual([]);
    expect(signer.calls).toBe(1);
    expect(der.length).toBeGreaterThan(0);
  }
});

describe("issue 15.6: serial, signature, issuer, validity", () => {
  test("e_serial_low_entropy: fewer than 8 octets", () =>
    refused({ fields: { serialHex: "0102030405" } }, "e_serial_low_entropy"));
  test("e_serial_too_long: 21 octets (the builder's own check is bypassed by patching the TBS)", () => {
    const good = fieldsFor({}, ca.issuing.signer);
    const tbs = tbsWith(good, { serial: integerFromContent(Buffer.alloc(21, 0x11)) });
    expect(ids(tbs)).toContain("e_serial_too_long");
  });
  test("e_serial_not_positive / e_serial_negative: zero and negative serials", () => {
    const good = fieldsFor({}, ca.issuing.signer);
    expect(ids(tbsWith(good, { serial: integerFromContent(Buffer.from([0])) }))).toContain("e_serial_not_positive");
    expect(ids(tbsWith(good, { serial: integerFromContent(Buffer.from("ff0102030405060708", "hex")) }))).toContain(
      "e_serial_negative",
    );
  });
  test("e_cert_version_not_3: a v1 TBS", () => {
    const good = fieldsFor({}, ca.issuing.signer);
    expect(ids(tbsWith(good, { version: null }))).toContain("e_cert_version_not_3");
  });
  test("e_cert_signature_algorithm_mismatch: a signer announcing P-384 under a P-256 issuer key", () =>
    refused({ keyAlgorithm: "ECDSA_P384" }, "e_cert_signature_algorithm_mismatch"));
  test("e_cert_signature_algorithm_inner_outer: TBS signature differs from the outer signatureAlgorithm", () => {
    const good = fieldsFor({}, ca.issuing.signer);
    const tbs = tbsWith(good, {});
    const r = lintCertificateTbs(tbs, good.profile, signatureAlgorithmIdentifier("ECDSA_P384"));
    expect(r.errors.map((e) => e.id)).toEqual(["e_cert_signature_algorithm_inner_outer"]);
  });
  test("e_cert_signature_algorithm_parameters: RSA signature algorithm without NULL", () => {
    const good = fieldsFor({ issuer: rsaCa }, rsaCa.issuing.signer);
    const noNull = sequence(oid("1.2.840.113549.1.1.11"));
    expect(
      lintCertificateTbs(tbsWith(good, { sigAlg: noNull }), good.profile, noNull).errors.map((e) => e.id),
    ).toContain("e_cert_signature_algorithm_parameters");
  });
  test("e_tbs_not_der: a name attribute typed as a time, which the decoder reads but cannot encode again, is a finding and not an exception", () =>
    refused(
      { fields: { issuerName: sequence(set(sequence(oid("2.5.4.3"), tlv(0x17, Buffer.from("Akashi CA"))))) } },
      "e_tbs_not_der",
    ));
  test("e_issuer_not_ca_subject: issuer name is not the CA subject byte for byte", () =>
    refused({ fields: { issuerName: encodeName({ commonName: "Someone Else CA" }) } }, "e_issuer_not_ca_subject"));
  test("e_validity_too_long: longer than the VAL-7 maximum in force at notBefore", () =>
    refused(
      { fields: { notBefore: new Date(Date.UTC(2026, 11, 1)), notAfter: new Date(Date.UTC(2026, 11, 1) + 200 * DAY) } },
      "e_validity_too_long",
    ));
  test("e_validity_too_long: never above BR 398 days, whatever the profile says", () =>
    refused(
      { fields: { notBefore: new Date(Date.UTC(2025, 0, 1)), notAfter: new Date(Date.UTC(2025, 0, 1) + 398 * DAY) } },
      "e_validity_too_long",
    ));
  test("e_validity_not_before_after_not_after: notBefore after notAfter (patched past the builder's check)", () => {
    const good = fieldsFor({}, ca.issuing.signer);
    expect(ids(tbsWith(good, { validity: sequence(x509Time(good.notAfter), x509Time(good.notBefore)) }))).toContain(
      "e_validity_not_before_after_not_after",
    );
  });
  test("e_validity_time_encoding: GeneralizedTime before 2050 and UTCTime for 2050", () => {
    const good = fieldsFor({}, ca.issuing.signer);
    const gen = (s: string) => Buffer.concat([Buffer.from([0x18, s.length]), Buffer.from(s)]);
    const utc = (s: string) => Buffer.concat([Buffer.from([0x17, s.length]), Buffer.from(s)]);
    expect(ids(tbsWith(good, { validity: sequence(gen("20261201120000Z"), utc("261231120000Z")) }))).toContain(
      "e_validity_time_encoding",
    );
    expect(ids(tbsWith(good, { validity: sequence(utc("491231120000Z"), gen("20500101120000Z")) }))).not.toContain(
      "e_validity_time_encoding",
    );
    expect(ids(tbsWith(good, { validity: sequence(gen("20491231120000Z"), gen("20500101120000Z")) }))).toContain(
      "e_validity_time_encoding",
    );
  });
});

describe("issue 15.6: names", () => {
  test("e_san_missing", () => refused({ ext: { san: null } }, "e_san_missing"));
  test("e_san_not_dns_name: an IP address in the SAN", () =>
    refused(
      {
        ext: {
          san: extension(
            OID.subjectAltName,
            false,
            sequence(
              ...NAMES.map((n) => Buffer.concat([Buffer.from([0x82, n.length]), Buffer.from(n)])),
              Buffer.from([0x87, 4, 192, 0, 2, 1]),
            ),
          ),
        },
      },
      "e_san_not_dns_name",
    ));
  test("e_san_name_not_approved / e_san_approved_name_missing", async () => {
    const e = await refused(
      { ext: { san: subjectAltNameDns([NAMES[0], "evil.akashi-demo.jp"]) } },
      "e_san_name_not_approved",
    );
    expect(e.ids).toContain("e_san_approved_name_missing");
  });
  test("e_san_dns_name_invalid: underscore label, bare wildcard, trailing dot, R-LDH label", async () => {
    for (const bad of [
      "bad_label.akashi-demo.jp",
      "*.jp",
      "shop.akashi-demo.jp.",
      "ab--cd.akashi-demo.jp",
      "-x.akashi-demo.jp",
    ]) {
      await refused(
        { ext: { san: subjectAltNameDns([NAMES[0], bad]) }, profile: { names: [NAMES[0], bad] } },
        "e_san_dns_name_invalid",
      );
    }
  });
  test("e_san_duplicate_name", () =>
    refused({ ext: { san: subjectAltNameDns([...NAMES, NAMES[1]]) } }, "e_san_duplicate_name"));
  test("e_san_criticality: critical SAN with a non-empty subject", () =>
    refused({ ext: { san: subjectAltNameDns(NAMES, true) } }, "e_san_criticality"));
  test("e_subject_cn_not_in_san", () =>
    refused(
      { fields: { subjectName: encodeName({ commonName: "other.akashi-demo.jp" }) } },
      "e_subject_cn_not_in_san",
    ));
  test("e_subject_dv_has_identity: a DV subject naming an organisation", () =>
    refused(
      { fields: { subjectName: encodeName({ organization: "Akashi", commonName: NAMES[0] }) } },
      "e_subject_dv_has_identity",
    ));
  test("e_subject_org_missing: an OV certificate without O and C", () =>
    refused(
      { ext: { cp: certificatePolicies([OID.policyOV]) }, profile: { validationLevel: "OV" } },
      "e_subject_org_missing",
    ));
});

describe("issue 15.6: extensions", () => {
  test("e_basic_constraints_ca: CA:TRUE on a subscriber certificate", () =>
    refused({ ext: { bc: basicConstraints(true) } }, "e_basic_constraints_ca"));
  test("e_basic_constraints_missing", () => refused({ ext: { bc: null } }, "e_basic_constraints_missing"));
  test("e_basic_constraints_invalid on a CA certificate: cA TRUE written as 01, not FF (not DER inside the extension's own value)", () => {
    const parts = readCertificateParts(ca.issuing.certDer);
    const tbs = Buffer.from(parts.tbs);
    const oidAt = tbs.indexOf(Buffer.from("0603551d13", "hex"));
    // After the OID comes the critical flag (01 01 ff), then the value, whose cA is the next 01 01 ff.
    const cA = tbs.indexOf(Buffer.from("0101ff", "hex"), oidAt + 5 + 3);
    tbs[cA + 2] = 0x01;
    const root = issuerContext(ca.root.certDer);
    const facts = { subjectName: root.subjectName, spki: root.spki, keyId: root.keyId };
    const ids = (der: Buffer) =>
      lintCertificateTbs(der, { kind: "ca", issuer: facts }, parts.signatureAlgorithm).errors.map((e) => e.id);
    expect(ids(parts.tbs)).toEqual([]);
    expect(ids(tbs)).toContain("e_basic_constraints_invalid");
  });
  test("e_basic_constraints_invalid: cA FALSE written out (the DEFAULT: not DER inside the extension's own value)", () =>
    refused(
      { ext: { bc: extension(OID.basicConstraints, true, sequence(boolean(false))) } },
      "e_basic_constraints_invalid",
    ));
  test("e_key_usage_bits: keyEncipherment on an EC key", () =>
    refused({ ext: { ku: keyUsage(["digitalSignature", "keyEncipherment"]) } }, "e_key_usage_bits"));
  test("e_key_usage_bits: keyCertSign on a subscriber certificate", () =>
    refused({ ext: { ku: keyUsage(["digitalSignature", "keyCertSign"]) } }, "e_key_usage_bits"));
  test("e_key_usage_missing", () => refused({ ext: { ku: null } }, "e_key_usage_missing"));
  test("e_eku_purpose_not_allowed: clientAuth when the profile does not have it", () =>
    refused({ ext: { eku: extKeyUsage([OID.serverAuth, "1.3.6.1.5.5.7.3.2"]) } }, "e_eku_purpose_not_allowed"));
  test("clientAuth passes when the profile has it", async () => {
    const signer = spy(ca.issuing.signer);
    await buildCertificate(
      fieldsFor(
        { ext: { eku: extKeyUsage([OID.serverAuth, "1.3.6.1.5.5.7.3.2"]) }, profile: { clientAuth: true } },
        signer,
      ),
    );
    expect(signer.calls).toBe(1);
  });
  test("e_eku_server_auth_missing", () =>
    refused({ ext: { eku: extKeyUsage(["1.3.6.1.5.5.7.3.4"]) } }, "e_eku_server_auth_missing"));
  test("e_eku_missing", () => refused({ ext: { eku: null } }, "e_eku_missing"));
  test("e_aki_not_issuer_ski: AKI of another CA", () =>
    refused({ ext: { aki: authorityKeyIdentifier(Buffer.alloc(20, 7)) } }, "e_aki_not_issuer_ski"));
  test("e_aki_missing", () => refused({ ext: { aki: null } }, "e_aki_missing"));
  test("e_ski_not_key_hash: SKI of another key", () =>
    refused({ ext: { ski: subjectKeyIdentifier(Buffer.alloc(20, 1)) } }, "e_ski_not_key_hash"));
  test("e_ski_critical", () =>
    refused(
      { ext: { ski: extension(OID.subjectKeyIdentifier, true, octetString(keyIdentifierFor(ecKey))) } },
      "e_ski_critical",
    ));
  test("e_cdp_missing", () => refused({ ext: { cdp: null } }, "e_cdp_missing"));
  test("e_cdp_url_not_http: an ldap CRL distribution point", () =>
    refused({ ext: { cdp: crlDistributionPoints(["ldap://pki.akashi.test/cn=crl"]) } }, "e_cdp_url_not_http"));
  test("w_cdp_url_https: https is a warning, not a refusal (see the report on PUBLIC_BASE_URL)", async () => {
    const signer = spy(ca.issuing.signer);
    const { lint } = await buildCertificate(
      fieldsFor({ ext: { cdp: crlDistributionPoints(["https://pki.akashi.test/crl/1.crl"]) } }, signer),
    );
    expect(lint.warnings.map((w) => w.id)).toEqual(["w_cdp_url_https"]);
    expect(signer.calls).toBe(1);
  });
  test("any CDP path form is accepted (CRL shards are the CA's business)", async () => {
    const signer = spy(ca.issuing.signer);
    await buildCertificate(
      fieldsFor({ ext: { cdp: crlDistributionPoints(["http://pki.akashi.test/crl/0c2f/17.crl"]) } }, signer),
    );
    expect(signer.calls).toBe(1);
  });
  test("e_aia_missing", () => refused({ ext: { aia: null } }, "e_aia_missing"));
  test("e_aia_ocsp_missing", () =>
    refused({ ext: { aia: authorityInfoAccess({ caIssuers: [URLS.caIssuersUrl] }) } }, "e_aia_ocsp_missing"));
  test("e_aia_ca_issuers_missing", () =>
    refused({ ext: { aia: authorityInfoAccess({ ocsp: [URLS.ocspUrl] }) } }, "e_aia_ca_issuers_missing"));
  test("e_aia_url_not_http", () =>
    refused(
      { ext: { aia: authorityInfoAccess({ ocsp: ["ftp://x.akashi-demo.jp/"], caIssuers: [URLS.caIssuersUrl] }) } },
      "e_aia_url_not_http",
    ));
  test("e_policies_missing", () => refused({ ext: { cp: null } }, "e_policies_missing"));
  test("e_policy_validation_level: OV policy on a DV certificate", () =>
    refused({ ext: { cp: certificatePolicies([OID.policyOV]) } }, "e_policy_validation_level"));
  test("e_policy_any_policy", () =>
    refused({ ext: { cp: certificatePolicies([OID.policyDV, OID.anyPolicy]) } }, "e_policy_any_policy"));
  test("e_ext_unknown: an extension outside the profile", () =>
    refused({ extra: [extension("1.3.6.1.4.1.11129.2.4.3", true, Buffer.from([5, 0]))] }, "e_ext_unknown"));
  test("e_ext_duplicate: the same extension twice", () =>
    refused({ extra: [extKeyUsage([OID.serverAuth])] }, "e_ext_duplicate"));
  test("e_tbs_not_der: a default (critical FALSE) written out", () =>
    refused(
      { ext: { eku: sequence(oid(OID.extKeyUsage), boolean(false), octetString(sequence(oid(OID.serverAuth)))) } },
      "e_tbs_not_der",
    ));
});

describe("issue 15.6: public keys", () => {
  test("e_rsa_key_too_small: RSA 1024", () => {
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "der" });
    return refused(
      {
        fields: { subjectPublicKeySpki: small },
        ext: {
          ku: keyUsage(["digitalSignature", "keyEncipherment"]),
          ski: subjectKeyIdentifier(keyIdentifierFor(small)),
        },
      },
      "e_rsa_key_too_small",
    );
  });
  test("e_ec_curve_not_allowed: P-521", () => {
    const p521 = generateKeyPairSync("ec", { namedCurve: "secp521r1" }).publicKey.export({
      type: "spki",
      format: "der",
    });
    return refused(
      { fields: { subjectPublicKeySpki: p521 }, ext: { ski: subjectKeyIdentifier(keyIdentifierFor(p521)) } },
      "e_ec_curve_not_allowed",
    );
  });
  test("e_spki_algorithm_not_allowed: Ed25519", () => {
    const ed = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "der" });
    return refused(
      { fields: { subjectPublicKeySpki: ed }, ext: { ski: subjectKeyIdentifier(keyIdentifierFor(ed)) } },
      "e_spki_algorithm_not_allowed",
    );
  });
});

test("issue 15.6: LintError lists every failed check, not the first", async () => {
  const e = await refused({ ext: { san: null, eku: null, aia: null } }, "e_san_missing");
  expect(e.ids).toEqual(
    expect.arrayContaining(["e_san_missing", "e_eku_missing", "e_aia_missing", "e_subject_cn_not_in_san"]),
  );
  expect(e.message).toMatch(/refusing to sign the certificate: .*e_san_missing/);
});

test("issue 15.6: the linter passes every certificate the CA issues (roots, issuing CAs, DV/OV/EV leaves, EC and RSA, wildcards, IDNs)", async () => {
  for (const [issuerCa, spki] of [
    [ca, ecKey],
    [rsaCa, rsaKey],
    [ca, rsaKey],
    [rsaCa, ecKey],
  ] as const) {
    // the CA certificates went through the linter in makeTestCa; their TBS passes again here
    const root = issuerContext(issuerCa.root.certDer);
    const rootFacts = { subjectName: root.subjectName, spki: root.spki, keyId: root.keyId };
    const rootAlg = signatureAlgorithmIdentifier(issuerCa.root.signer.keyAlgorithm);
    expect(
      lintCertificateTbs(
        readCertificateParts(issuerCa.root.certDer).tbs,
        { kind: "ca", selfSigned: true, issuer: rootFacts },
        rootAlg,
      ),
    ).toEqual({ errors: [], warnings: [] });
    expect(
      lintCertificateTbs(
        readCertificateParts(issuerCa.issuing.certDer).tbs,
        { kind: "ca", issuer: rootFacts },
        rootAlg,
      ),
    ).toEqual({ errors: [], warnings: [] });
    for (const level of ["DV", "OV", "EV"] as const) {
      const names = ["lint.akashi-demo.jp", "*.lint.akashi-demo.jp", "xn--r8jz45g.akashi-demo.jp"];
      const issued = await issueServerCertificate({
        issuer: issuerCa.issuing,
        subjectPublicKeySpki: spki,
        serialHex: newSerialHex(),
        names,
        subject: {
          commonName: names[0],
          organization: "株式会社アカシ",
          locality: "Chiyoda-ku",
          country: "JP",
          businessCategory: "Private Organization",
          jurisdictionCountry: "JP",
        },
        validationLevel: level,
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 40 * DAY),
        urls: URLS,
      });
      const issuer = issuerContext(issuerCa.issuing.certDer);
      const r = lintCertificateTbs(
        readCertificateParts(issued.der).tbs,
        {
          kind: "subscriber",
          issuer: { subjectName: issuer.subjectName, spki: issuer.spki, keyId: issuer.keyId },
          names,
          validationLevel: level,
        },
        signatureAlgorithmIdentifier(issuerCa.issuing.signer.keyAlgorithm),
      );
      expect(r).toEqual({ errors: [], warnings: [] });
    }
  }
});

// ---------------------------------------------------------------- hand-built TBS for what the builder cannot produce

function tbsWith(
  f: CertificateFields,
  patch: { version?: null; serial?: Buffer; sigAlg?: Buffer; validity?: Buffer },
): Buffer {
  return sequence(
    ...(patch.version === null ? [] : [explicit(0, integer(2))]),
    patch.serial ?? integerFromContent(Buffer.from(f.serialHex, "hex")),
    patch.sigAlg ?? signatureAlgorithmIdentifier(f.signer.keyAlgorithm),
    f.issuerName,
    patch.validity ?? sequence(x509Time(f.notBefore), x509Time(f.notAfter)),
    f.subjectName,
    f.subjectPublicKeySpki,
    explicit(3, sequence(...f.extensions)),
  );
}

function ids(tbs: Buffer): string[] {
  const f = { signer: ca.issuing.signer };
  return lintCertificateTbs(
    tbs,
    fieldsFor({}, f.signer).profile,
    signatureAlgorithmIdentifier(f.signer.keyAlgorithm),
  ).errors.map((e) => e.id);
}

test("VAL-7 / issue 15.6 finding: the self-issued HTTPS certificate (AKASHI_TLS=self) follows the lifetime table instead of a fixed 90 days the linter would refuse from 2029-03-15", async () => {
  const at = new Date(Date.UTC(2029, 5, 1));
  const futureCa = await makeTestCa(dir, "ECDSA_P256", at);
  const caService = {
    activeIssuer: async () => ({
      ca: { id: "issuing-1", certDer: futureCa.issuing.certDer },
      signer: futureCa.issuing.signer,
    }),
    urlsFor: () => URLS,
  } as unknown as CaService;
  const { cert } = await selfIssued(caService, { now: () => at }, "akashi.localhost");
  const leaf = readCertificateParts(
    Buffer.from(cert.split("-----END CERTIFICATE-----")[0].replace(/-----BEGIN CERTIFICATE-----|\s/g, ""), "base64"),
  );
  expect(validityPeriodDays(leaf.notBefore, leaf.notAfter)).toBeLessThanOrEqual(47);
});

test("issue 15.6: ignoredLints (named by the caller) turns those refusals into warnings; AKASHI_TLS=self can serve https://localhost", async () => {
  await refused(
    {
      ext: { san: subjectAltNameDns(["localhost"]) },
      fields: { subjectName: encodeName({ commonName: "localhost" }) },
      profile: { names: ["localhost"] },
    },
    "e_san_dns_name_invalid",
  );
  const signer = spy(ca.issuing.signer);
  const { lint } = await buildCertificate(
    fieldsFor(
      {
        ext: { san: subjectAltNameDns(["localhost"]) },
        fields: { subjectName: encodeName({ commonName: "localhost" }) },
        profile: { names: ["localhost"], ignoredLints: ["e_san_dns_name_invalid"] },
      },
      signer,
    ),
  );
  expect(lint.warnings.map((w) => w.id)).toEqual(["e_san_dns_name_invalid"]);
  expect(signer.calls).toBe(1);
  const caService = {
    activeIssuer: async () => ({ ca: { id: "issuing-1", certDer: ca.issuing.certDer }, signer: ca.issuing.signer }),
    urlsFor: () => URLS,
  } as unknown as CaService;
  await expect(selfIssued(caService, { now: () => new Date() }, "localhost")).resolves.toHaveProperty("cert");
});
