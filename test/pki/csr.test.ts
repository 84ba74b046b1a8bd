import { checkCsr, type CsrCheckResult } from "../../api/src/pki/csr";
import { pemBlocks, toPem } from "../../api/src/pki/pem";
import { makeCsr, TempDir } from "../support/openssl";

const dir = new TempDir();
afterAll(() => dir.remove());

function refusal(r: CsrCheckResult) {
  return r.ok ? "OK" : r.code;
}

function derOf(csrPem: string): Buffer {
  return pemBlocks(csrPem)[0].der;
}

describe("APP-10: accepted CSRs", () => {
  test.each([
    ["ec-p256", "ECDSA_P256"],
    ["ec-p384", "ECDSA_P384"],
    ["rsa:2048", "RSA_2048"],
    ["rsa:3072", "RSA_3072"],
  ] as const)("APP-10: a %s CSR is accepted and reports %s", (key, algorithm) => {
    const { csrPem } = makeCsr(dir, `ok-${key}`, {
      key,
      subj: "/CN=shop.akashi-demo.jp/O=Ignored",
      san: ["shop.akashi-demo.jp", "www.shop.akashi-demo.jp"],
    });
    const r = checkCsr(csrPem, { names: ["www.shop.akashi-demo.jp", "shop.akashi-demo.jp"], wildcardAllowed: false });
    expect(r).toMatchObject({
      ok: true,
      keyAlgorithm: algorithm,
      names: ["www.shop.akashi-demo.jp", "shop.akashi-demo.jp"],
    });
  });

  test("APP-10: PEM with the NEW CERTIFICATE REQUEST label, DER bytes and PEM as a Buffer are all read", () => {
    const { csrPem } = makeCsr(dir, "labels", { key: "ec-p256", subj: "/CN=a.akashi-demo.jp" });
    const expectNames = { names: ["a.akashi-demo.jp"], wildcardAllowed: false };
    const der = derOf(csrPem);
    expect(refusal(checkCsr(toPem(der, "NEW CERTIFICATE REQUEST"), expectNames))).toBe("OK");
    expect(refusal(checkCsr(der, expectNames))).toBe("OK");
    expect(refusal(checkCsr(Buffer.from(csrPem), expectNames))).toBe("OK");
    const r = checkCsr(der, expectNames);
    if (!r.ok) throw new Error("unreachable");
    // the SPKI is returned exactly as the CSR carries it
    expect(der.includes(r.publicKeySpki)).toBe(true);
  });

  test("APP-10: names compare case-insensitively; CN alone (no SAN) counts as a name", () => {
    const { csrPem } = makeCsr(dir, "case", {
      key: "ec-p256",
      subj: "/CN=Shop.Akashi-Demo.JP",
      san: ["SHOP.akashi-demo.jp"],
    });
    expect(checkCsr(csrPem, { names: ["shop.AKASHI-DEMO.jp"], wildcardAllowed: false })).toMatchObject({
      ok: true,
      names: ["shop.akashi-demo.jp"],
    });
    const cnOnly = makeCsr(dir, "cn-only", { key: "ec-p256", subj: "/CN=cn.akashi-demo.jp" });
    expect(refusal(checkCsr(cnOnly.csrPem, { names: ["cn.akashi-demo.jp"], wildcardAllowed: false }))).toBe("OK");
  });

  test("APP-10: a SAN-only CSR (empty subject) is accepted", () => {
    const { csrPem } = makeCsr(dir, "san-only", { key: "ec-p256", subj: "/", san: ["san.akashi-demo.jp"] });
    expect(refusal(checkCsr(csrPem, { names: ["san.akashi-demo.jp"], wildcardAllowed: false }))).toBe("OK");
  });
});

describe("APP-10: refusals, one code each", () => {
  test("APP-10: garbage, a truncated CSR and a certificate are refused with CSR_MALFORMED", () => {
    const e = { names: ["a.akashi-demo.jp"], wildcardAllowed: false };
    expect(refusal(checkCsr("hello", e))).toBe("CSR_MALFORMED");
    expect(refusal(checkCsr(Buffer.from([0x30, 0x03, 0x02, 0x01]), e))).toBe("CSR_MALFORMED");
    expect(refusal(checkCsr("-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n", e))).toBe(
      "CSR_MALFORMED",
    );
    const { csrPem } = makeCsr(dir, "trunc", { key: "ec-p256", subj: "/CN=a.akashi-demo.jp" });
    const der = derOf(csrPem);
    expect(refusal(checkCsr(der.subarray(0, der.length - 5), e))).toBe("CSR_MALFORMED");
    expect(refusal(checkCsr(Buffer.concat([der, Buffer.from([0])]), e))).toBe("CSR_MALFORMED");
    const r = checkCsr(toPem(der, "CERTIFICATE"), e);
    expect(r).toMatchObject({ ok: false, code: "CSR_MALFORMED" });
  });

  test.each(["ec-p256", "rsa:2048"] as const)(
    "APP-10: a %s CSR with a byte flipped inside its signature is refused with CSR_SIGNATURE_INVALID",
    (key) => {
      const { csrPem } = makeCsr(dir, `badsig-${key}`, { key, subj: "/CN=a.akashi-demo.jp" });
      const der = Buffer.from(derOf(csrPem));
      der[der.length - 3] ^= 0x01; // inside the signature value (the last element of the CSR)
      const r = checkCsr(der, { names: ["a.akashi-demo.jp"], wildcardAllowed: false });
      expect(r).toMatchObject({ ok: false, code: "CSR_SIGNATURE_INVALID" });
    },
  );

  test("APP-10: a CSR whose signed content was altered is refused with CSR_SIGNATURE_INVALID", () => {
    const { csrPem } = makeCsr(dir, "altered", { key: "ec-p256", subj: "/CN=a.akashi-demo.jp" });
    const der = Buffer.from(derOf(csrPem));
    const at = der.indexOf(Buffer.from("a.akashi-demo.jp"));
    der[at] = "b".charCodeAt(0);
    expect(refusal(checkCsr(der, { names: ["b.akashi-demo.jp"], wildcardAllowed: false }))).toBe(
      "CSR_SIGNATURE_INVALID",
    );
  });

  test("APP-10: RSA-1024 CSR is refused with CSR_KEY_TOO_WEAK", () => {
    const { csrPem } = makeCsr(dir, "rsa1024", { key: "rsa:1024", subj: "/CN=a.akashi-demo.jp" });
    const r = checkCsr(csrPem, { names: ["a.akashi-demo.jp"], wildcardAllowed: false });
    expect(r).toMatchObject({ ok: false, code: "CSR_KEY_TOO_WEAK" });
    if (!r.ok) expect(r.message).toContain("1024");
  });

  test.each([
    ["ec-p521", /P-256 or P-384/],
    ["ed25519", /ed25519/],
    ["rsa:2304", /2048, 3072 or 4096/],
  ] as const)("APP-10: a %s CSR is refused with CSR_KEY_ALGORITHM_UNSUPPORTED", (key, message) => {
    const { csrPem } = makeCsr(dir, `unsupported-${key}`, { key, subj: "/CN=a.akashi-demo.jp" });
    const r = checkCsr(csrPem, { names: ["a.akashi-demo.jp"], wildcardAllowed: false });
    expect(r).toMatchObject({ ok: false, code: "CSR_KEY_ALGORITHM_UNSUPPORTED" });
    if (!r.ok) expect(r.message).toMatch(message);
  });

  test("APP-10: names that differ from the application are refused with CSR_NAMES_MISMATCH", () => {
    const both = makeCsr(dir, "mm-both", {
      key: "ec-p256",
      subj: "/CN=a.akashi-demo.jp",
      san: ["a.akashi-demo.jp", "b.akashi-demo.jp"],
    });
    // extra name in the CSR
    const extra = checkCsr(both.csrPem, { names: ["a.akashi-demo.jp"], wildcardAllowed: false });
    expect(extra).toMatchObject({ ok: false, code: "CSR_NAMES_MISMATCH" });
    if (!extra.ok) expect(extra.message).toContain("not applied for: b.akashi-demo.jp");
    // applied name missing from the CSR
    const missing = checkCsr(both.csrPem, {
      names: ["a.akashi-demo.jp", "b.akashi-demo.jp", "c.akashi-demo.jp"],
      wildcardAllowed: false,
    });
    expect(missing).toMatchObject({ ok: false, code: "CSR_NAMES_MISMATCH" });
    if (!missing.ok) expect(missing.message).toContain("missing from the CSR: c.akashi-demo.jp");
    // CN that is not among the names
    const cn = makeCsr(dir, "mm-cn", { key: "ec-p256", subj: "/CN=other.akashi-demo.jp", san: ["a.akashi-demo.jp"] });
    expect(refusal(checkCsr(cn.csrPem, { names: ["a.akashi-demo.jp"], wildcardAllowed: false }))).toBe(
      "CSR_NAMES_MISMATCH",
    );
    // no names at all
    const none = makeCsr(dir, "mm-none", { key: "ec-p256", subj: "/O=No Names" });
    expect(refusal(checkCsr(none.csrPem, { names: ["a.akashi-demo.jp"], wildcardAllowed: false }))).toBe(
      "CSR_NAMES_MISMATCH",
    );
  });

  test("APP-10: a CSR asking for an IP address SAN is refused with CSR_NAMES_MISMATCH", () => {
    const { csrPem } = makeCsr(dir, "mm-ip", { key: "ec-p256", subj: "/CN=a.akashi-demo.jp" });
    // openssl req -addext with an IP
    const withIp = makeCsrWithAddext("mm-ip2", "subjectAltName=DNS:a.akashi-demo.jp,IP:192.0.2.1");
    expect(refusal(checkCsr(csrPem, { names: ["a.akashi-demo.jp"], wildcardAllowed: false }))).toBe("OK");
    expect(checkCsr(withIp, { names: ["a.akashi-demo.jp"], wildcardAllowed: false })).toMatchObject({
      ok: false,
      code: "CSR_NAMES_MISMATCH",
      message: expect.stringContaining("IP:192.0.2.1"),
    });
  });

  test("APP-10: a wildcard is refused with CSR_WILDCARD_NOT_ALLOWED unless the product allows it", () => {
    const { csrPem } = makeCsr(dir, "wild", {
      key: "ec-p256",
      subj: "/CN=*.akashi-demo.jp",
      san: ["*.akashi-demo.jp", "akashi-demo.jp"],
    });
    const names = ["*.akashi-demo.jp", "akashi-demo.jp"];
    expect(checkCsr(csrPem, { names, wildcardAllowed: false })).toMatchObject({
      ok: false,
      code: "CSR_WILDCARD_NOT_ALLOWED",
    });
    expect(checkCsr(csrPem, { names, wildcardAllowed: true })).toMatchObject({ ok: true, names });
    const inner = makeCsr(dir, "wild-inner", { key: "ec-p256", subj: "/CN=f*o.akashi-demo.jp" });
    expect(refusal(checkCsr(inner.csrPem, { names: ["f*o.akashi-demo.jp"], wildcardAllowed: true }))).toBe(
      "CSR_WILDCARD_NOT_ALLOWED",
    );
  });

  test("APP-10: a U-label IDN (例え.jp) is refused with CSR_NAME_NOT_A_LABEL; its A-label xn--r8jz45g.jp is accepted", () => {
    const u = makeCsr(dir, "idn-u", { key: "ec-p256", subj: "/CN=例え.jp", utf8: true, san: ["例え.jp"] });
    const r = checkCsr(u.csrPem, { names: ["xn--r8jz45g.jp"], wildcardAllowed: false });
    expect(r).toMatchObject({ ok: false, code: "CSR_NAME_NOT_A_LABEL" });
    if (!r.ok) expect(r.message).toContain("xn--r8jz45g.jp");
    const cnOnly = makeCsr(dir, "idn-u-cn", { key: "ec-p256", subj: "/CN=例え.jp", utf8: true });
    expect(refusal(checkCsr(cnOnly.csrPem, { names: ["xn--r8jz45g.jp"], wildcardAllowed: false }))).toBe(
      "CSR_NAME_NOT_A_LABEL",
    );
    const a = makeCsr(dir, "idn-a", { key: "ec-p256", subj: "/CN=xn--r8jz45g.jp", san: ["xn--r8jz45g.jp"] });
    expect(checkCsr(a.csrPem, { names: ["xn--r8jz45g.jp"], wildcardAllowed: false })).toMatchObject({
      ok: true,
      names: ["xn--r8jz45g.jp"],
    });
    // an xn-- label that is not valid punycode is not an A-label either
    const bogus = makeCsr(dir, "idn-bogus", { key: "ec-p256", subj: "/CN=xn--zz.jp" });
    expect(refusal(checkCsr(bogus.csrPem, { names: ["xn--zz.jp"], wildcardAllowed: false }))).toBe(
      "CSR_NAME_NOT_A_LABEL",
    );
  });
});

import { readFileSync } from "node:fs";
import { opensslOk } from "../support/openssl";
function makeCsrWithAddext(name: string, addext: string): string {
  const csrPath = dir.file(`${name}.csr`);
  opensslOk([
    "req",
    "-new",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    dir.file(`${name}.key`),
    "-subj",
    "/CN=a.akashi-demo.jp",
    "-addext",
    addext,
    "-out",
    csrPath,
  ]);
  return readFileSync(csrPath, "utf8");
}
