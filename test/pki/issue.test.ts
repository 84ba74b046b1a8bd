import { generateKeyPairSync } from "node:crypto";
import { checkCsr } from "../../api/src/pki/csr";
import { issueServerCertificate, newSerialHex } from "../../api/src/pki/issue";
import { parseCertificate } from "../../api/src/pki/parse";
import { readCertificateParts } from "../../api/src/pki/certificate-der";
import type { KeyAlgorithm } from "../../api/src/pki/signer";
import { makeTestCa, URLS, type TestCa } from "../support/pki-fixtures";
import { makeCsr, openssl, opensslOk, opensslSerial, TempDir } from "../support/openssl";

const dir = new TempDir();
afterAll(() => dir.remove());

const DAY = 86_400_000;

async function issueFromCsr(
  ca: TestCa,
  csrPem: string,
  names: string[],
  level: "DV" | "OV" | "EV" = "DV",
  subjectExtra = {},
) {
  const checked = checkCsr(csrPem, { names, wildcardAllowed: true });
  if (!checked.ok) throw new Error(`${checked.code}: ${checked.message}`);
  const now = Date.now();
  return issueServerCertificate({
    issuer: ca.issuing,
    subjectPublicKeySpki: checked.publicKeySpki,
    serialHex: newSerialHex(),
    names: checked.names,
    subject: { commonName: checked.names[0], ...subjectExtra },
    validationLevel: level,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 90 * DAY),
    urls: URLS,
  });
}

function verifyForEachName(ca: TestCa, leafPath: string, names: string[]) {
  for (const name of names) {
    const host = name.startsWith("*.") ? `www.${name.slice(2)}` : name;
    const r = openssl([
      "verify",
      "-x509_strict",
      "-purpose",
      "sslserver",
      "-verify_hostname",
      host,
      "-CAfile",
      ca.rootPath,
      "-untrusted",
      ca.issuingPath,
      leafPath,
    ]);
    expect(r.out).toContain(`${leafPath}: OK`);
    expect(r.status).toBe(0);
  }
}

describe.each<[KeyAlgorithm]>([["ECDSA_P256"], ["ECDSA_P384"], ["RSA_2048"]])("CA with %s keys", (caKey) => {
  let ca: TestCa;
  beforeAll(async () => {
    ca = await makeTestCa(dir, caKey);
  });

  test("root and issuing CA verify under openssl -x509_strict", () => {
    const r = opensslOk(["verify", "-x509_strict", "-CAfile", ca.rootPath, ca.issuingPath]);
    expect(r).toContain(": OK");
    const text = opensslOk(["x509", "-in", ca.issuingPath, "-noout", "-text"]);
    expect(text).toMatch(/CA:TRUE, pathlen:0/);
    expect(text).toMatch(/Digital Signature, Certificate Sign, CRL Sign/);
    expect(text).toContain("TLS Web Server Authentication");
    expect(text).toContain("URI:http://pki.akashi.test/crl/root.crl");
    expect(text).toContain("CA Issuers - URI:http://pki.akashi.test/ca/root.der");
    const rootText = opensslOk(["x509", "-in", ca.rootPath, "-noout", "-text"]);
    expect(rootText).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE\n/);
    expect(rootText).toMatch(/Certificate Sign, CRL Sign/);
    expect(rootText).toContain("Subject Key Identifier");
  });

  test("APP-10: leaves for a P-256 CSR and an RSA-2048 CSR pass openssl verify -x509_strict -purpose sslserver for every name", async () => {
    const cases = [
      { key: "ec-p256" as const, names: ["shop.akashi-demo.jp", "www.shop.akashi-demo.jp", "xn--r8jz45g.jp"] },
      { key: "rsa:2048" as const, names: ["rsa.akashi-demo.jp", "*.rsa.akashi-demo.jp"] },
    ];
    for (const [i, c] of cases.entries()) {
      const { csrPem } = makeCsr(dir, `leaf-${caKey}-${i}`, { key: c.key, subj: `/CN=${c.names[0]}`, san: c.names });
      const issued = await issueFromCsr(ca, csrPem, c.names);
      const leafPath = dir.file(`leaf-${caKey}-${i}.pem`, issued.pem);
      verifyForEachName(ca, leafPath, c.names);
      const text = opensslOk(["x509", "-in", leafPath, "-noout", "-text"]);
      expect(text).toContain("Policy: 2.23.140.1.2.1");
      expect(text).toContain(`URI:${URLS.crlUrl}`);
      expect(text).toContain(`OCSP - URI:${URLS.ocspUrl}`);
      expect(text).toContain(`CA Issuers - URI:${URLS.caIssuersUrl}`);
      expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
      expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature(, Key Encipherment)?\n/);
      if (c.key.startsWith("rsa")) expect(text).toContain("Digital Signature, Key Encipherment");
      else expect(text).not.toContain("Key Encipherment");
      expect(text).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Server Authentication\n/);
      expect(text).toContain(`Subject: CN = ${c.names[0]}`);
      for (const n of c.names) expect(text).toContain(`DNS:${n}`);

      // serial and fingerprint as openssl sees them
      const serial = opensslOk(["x509", "-in", leafPath, "-noout", "-serial"]).trim().split("=")[1];
      expect(serial).toBe(opensslSerial(issued.serialHex));
      const fp = opensslOk(["x509", "-in", leafPath, "-noout", "-fingerprint", "-sha256"]).trim().split("=")[1];
      expect(fp.replace(/:/g, "").toLowerCase()).toBe(issued.sha256Fingerprint);
      expect(issued.sha256Fingerprint).toMatch(/^[0-9a-f]{64}$/);

      // issuer name byte for byte
      expect(
        readCertificateParts(issued.der).issuerName.equals(readCertificateParts(ca.issuing.certDer).subjectName),
      ).toBe(true);
      const parsed = parseCertificate(issued.der);
      expect(parsed.names).toEqual(c.names);
      expect(parsed.isCa).toBe(false);
    }
  });
});

describe("leaf details", () => {
  let ca: TestCa;
  beforeAll(async () => {
    ca = await makeTestCa(dir, "ECDSA_P256");
  });

  test("APP-10: OV and EV subjects carry O/L/ST/C and their policy OIDs", async () => {
    const { csrPem } = makeCsr(dir, "ov", {
      key: "ec-p256",
      subj: "/CN=ov.akashi-demo.jp",
      san: ["ov.akashi-demo.jp"],
    });
    const org = { organization: "株式会社アカシ", locality: "Chiyoda-ku", stateOrProvince: "Tokyo", country: "JP" };
    const ov = await issueFromCsr(ca, csrPem, ["ov.akashi-demo.jp"], "OV", org);
    const ovPath = dir.file("ov.pem", ov.pem);
    verifyForEachName(ca, ovPath, ["ov.akashi-demo.jp"]);
    const ovText = opensslOk(["x509", "-in", ovPath, "-noout", "-text", "-nameopt", "utf8,sep_comma_plus"]);
    expect(ovText).toContain("Policy: 2.23.140.1.2.2");
    expect(ovText).toContain("C=JP,ST=Tokyo,L=Chiyoda-ku,O=株式会社アカシ,CN=ov.akashi-demo.jp");
    expect(parseCertificate(ov.pem).organization).toBe("株式会社アカシ");

    const ev = await issueFromCsr(ca, csrPem, ["ov.akashi-demo.jp"], "EV", {
      ...org,
      businessCategory: "Private Organization",
      jurisdictionCountry: "JP",
      serialNumber: "0100-01-123456",
    });
    const evText = opensslOk(["x509", "-noout", "-text", "-nameopt", "utf8,sep_comma_plus"], ev.pem);
    expect(evText).toContain("Policy: 2.23.140.1.1");
    expect(evText).toContain("jurisdictionC=JP,businessCategory=Private Organization,serialNumber=0100-01-123456,C=JP");
    // DV ignores organisation fields
    const dv = await issueFromCsr(ca, csrPem, ["ov.akashi-demo.jp"], "DV", org);
    expect(opensslOk(["x509", "-noout", "-subject"], dv.pem).trim()).toBe("subject=CN = ov.akashi-demo.jp");
  });

  test("the subject and issuer an issued certificate reports are what parsing its DER shows, for DV, OV and EV", async () => {
    const { csrPem } = makeCsr(dir, "dn", {
      key: "ec-p256",
      subj: "/CN=dn.akashi-demo.jp",
      san: ["dn.akashi-demo.jp"],
    });
    const org = { organization: "株式会社アカシ", locality: "Chiyoda-ku", stateOrProvince: "Tokyo", country: "JP" };
    const ev = { ...org, businessCategory: "Private Organization", jurisdictionCountry: "JP" };
    for (const [level, subject] of [
      ["DV", {}],
      ["OV", org],
      ["EV", ev],
    ] as const) {
      const issued = await issueFromCsr(ca, csrPem, ["dn.akashi-demo.jp"], level, subject);
      const parsed = parseCertificate(issued.der);
      expect({ level, subject: issued.subjectDn, issuer: issued.issuerDn }).toEqual({
        level,
        subject: parsed.subject,
        issuer: parsed.issuer,
      });
    }
    expect(parseCertificate((await issueFromCsr(ca, csrPem, ["dn.akashi-demo.jp"], "OV", org)).der).subject).toContain(
      "株式会社アカシ",
    );
  });

  test("validity uses UTCTime through 2049 and GeneralizedTime from 2050 (RFC 5280 4.1.2.5)", async () => {
    const { csrPem } = makeCsr(dir, "far", { key: "ec-p256", subj: "/CN=far.akashi-demo.jp" });
    const checked = checkCsr(csrPem, { names: ["far.akashi-demo.jp"], wildcardAllowed: false });
    if (!checked.ok) throw new Error(checked.message);
    const issued = await issueServerCertificate({
      issuer: ca.issuing,
      subjectPublicKeySpki: checked.publicKeySpki,
      // at least 8 octets: the linter refuses serials too short to hold 64 bits of entropy
      serialHex: "00:00:AB:CD:EF:01:02:03:04:05",
      names: checked.names,
      subject: { commonName: "far.akashi-demo.jp" },
      validationLevel: "DV",
      notBefore: new Date("2049-12-31T23:59:59.999Z"),
      notAfter: new Date("2050-01-01T00:00:00Z"),
      urls: URLS,
    });
    expect(issued.serialHex).toBe("00abcdef0102030405"); // DER keeps one 0x00 because 0xab has its top bit set
    const asn1 = opensslOk(["asn1parse", "-inform", "DER"], issued.der);
    expect(asn1).toContain("UTCTIME           :491231235959Z");
    expect(asn1).toContain("GENERALIZEDTIME   :20500101000000Z");
    const parsed = parseCertificate(issued.der);
    expect(parsed.notBefore.toISOString()).toBe("2049-12-31T23:59:59.000Z");
    expect(parsed.notAfter.toISOString()).toBe("2050-01-01T00:00:00.000Z");
  });

  test("issue 15.6 finding: a first name longer than 64 characters (ub-common-name) issues without a CN; DV then has an empty subject and a critical SAN", async () => {
    const long = `${"a".repeat(63)}.${"b".repeat(20)}.akashi-demo.jp`;
    const names = [long, "short.akashi-demo.jp"];
    const spki = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({
      type: "spki",
      format: "der",
    });
    const base = {
      issuer: ca.issuing,
      subjectPublicKeySpki: spki,
      names,
      urls: URLS,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 30 * DAY),
    };
    const dv = await issueServerCertificate({
      ...base,
      serialHex: newSerialHex(),
      subject: { commonName: long },
      validationLevel: "DV",
    });
    const dvPath = dir.file("long-dv.pem", dv.pem);
    verifyForEachName(ca, dvPath, names);
    const dvText = opensslOk(["x509", "-in", dvPath, "-noout", "-text"]);
    expect(dvText).toMatch(/X509v3 Subject Alternative Name: critical/);
    expect(parseCertificate(dv.der).subject).toBe("");
    expect(parseCertificate(dv.der).names).toEqual(names);
    const ov = await issueServerCertificate({
      ...base,
      serialHex: newSerialHex(),
      validationLevel: "OV",
      subject: { commonName: long, organization: "Akashi", locality: "Chiyoda-ku", country: "JP" },
    });
    const ovPath = dir.file("long-ov.pem", ov.pem);
    verifyForEachName(ca, ovPath, names);
    expect(opensslOk(["x509", "-in", ovPath, "-noout", "-subject"]).trim()).toBe(
      "subject=C = JP, L = Chiyoda-ku, O = Akashi",
    );
    expect(opensslOk(["x509", "-in", ovPath, "-noout", "-text"])).not.toMatch(/Subject Alternative Name: critical/);
  });

  test("newSerialHex: positive, canonical, at most 16 octets, unique", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const s = newSerialHex();
      expect(s).toMatch(/^[0-7][0-9a-f]*$/);
      expect(s.length % 2).toBe(0);
      expect(s.length).toBeLessThanOrEqual(32);
      // minimal DER content: a leading 00 octet only when the next octet has its top bit set
      if (s.startsWith("00")) expect(parseInt(s.slice(2, 4), 16)).toBeGreaterThanOrEqual(0x80);
      seen.add(s);
    }
    expect(seen.size).toBe(2000);
  });

  test("refuses to sign when the signer's key is not the issuer certificate's key", async () => {
    const { csrPem } = makeCsr(dir, "mismatch", { key: "ec-p256", subj: "/CN=m.akashi-demo.jp" });
    const checked = checkCsr(csrPem, { names: ["m.akashi-demo.jp"], wildcardAllowed: false });
    if (!checked.ok) throw new Error(checked.message);
    await expect(
      issueServerCertificate({
        issuer: { certDer: ca.issuing.certDer, signer: ca.root.signer },
        subjectPublicKeySpki: checked.publicKeySpki,
        serialHex: newSerialHex(),
        names: checked.names,
        subject: { commonName: "m.akashi-demo.jp" },
        validationLevel: "DV",
        notBefore: new Date(),
        notAfter: new Date(Date.now() + DAY),
        urls: URLS,
      }),
    ).rejects.toThrow(/not the key of the issuer/);
  });
});
