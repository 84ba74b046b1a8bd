import { readFileSync } from "node:fs";
import { createIssuingCa } from "../../api/src/pki/ca";
import { checkCsr } from "../../api/src/pki/csr";
import { issueServerCertificate, newSerialHex, type IssuedCertificate } from "../../api/src/pki/issue";
import {
  CertificateParseError,
  chainsTo,
  parseCertificate,
  parseCertificateChain,
  toPem,
} from "../../api/src/pki/parse";
import { makeTestCa, URLS, type TestCa } from "../support/pki-fixtures";
import { makeCsr, opensslOk, TempDir } from "../support/openssl";

const dir = new TempDir();
afterAll(() => dir.remove());
const DAY = 86_400_000;

let ca: TestCa;
let otherCa: TestCa;
let leaf: IssuedCertificate;
const now = new Date();

beforeAll(async () => {
  ca = await makeTestCa(dir, "ECDSA_P256", now);
  otherCa = await makeTestCa(dir, "ECDSA_P384", now);
  const { csrPem } = makeCsr(dir, "parse-leaf", {
    key: "rsa:2048",
    subj: "/CN=parse.akashi-demo.jp",
    san: ["parse.akashi-demo.jp", "www.parse.akashi-demo.jp"],
  });
  const checked = checkCsr(csrPem, {
    names: ["Parse.akashi-demo.jp", "www.parse.akashi-demo.jp"],
    wildcardAllowed: false,
  });
  if (!checked.ok) throw new Error(checked.message);
  leaf = await issueServerCertificate({
    issuer: ca.issuing,
    subjectPublicKeySpki: checked.publicKeySpki,
    serialHex: newSerialHex(),
    names: checked.names,
    subject: {
      commonName: "parse.akashi-demo.jp",
      organization: "Example, Inc.",
      locality: "Minato-ku",
      country: "JP",
    },
    validationLevel: "OV",
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + 30 * DAY),
    urls: URLS,
  });
});

test("parseCertificate reads our leaf from PEM and DER", () => {
  for (const input of [leaf.pem, leaf.der, Buffer.from(leaf.pem)]) {
    const p = parseCertificate(input);
    expect(p.der.equals(leaf.der)).toBe(true);
    expect(p.serialHex).toBe(leaf.serialHex);
    expect(p.sha256Fingerprint).toBe(leaf.sha256Fingerprint);
    expect(p.subject).toBe("C=JP, L=Minato-ku, O=Example\\, Inc., CN=parse.akashi-demo.jp");
    expect(p.issuer).toBe("C=JP, O=Akashi Test, CN=Akashi Test Issuing CA 1");
    expect(p.commonName).toBe("parse.akashi-demo.jp");
    expect(p.organization).toBe("Example, Inc.");
    expect(p.names).toEqual(["parse.akashi-demo.jp", "www.parse.akashi-demo.jp"]);
    expect(p.isCa).toBe(false);
    expect(p.keyAlgorithm).toBe("RSA_2048");
    expect(p.notAfter.getTime()).toBe(Math.floor((now.getTime() + 30 * DAY) / 1000) * 1000);
  }
});

test("parseCertificateChain reads every block in order; CA flags and key types", () => {
  const chain = parseCertificateChain(
    leaf.pem + toPem(ca.issuing.certDer, "CERTIFICATE") + toPem(ca.root.certDer, "CERTIFICATE"),
  );
  expect(chain.map((c) => c.commonName)).toEqual([
    "parse.akashi-demo.jp",
    "Akashi Test Issuing CA 1",
    "Akashi Test Root CA",
  ]);
  expect(chain.map((c) => c.isCa)).toEqual([false, true, true]);
  expect(chain.map((c) => c.keyAlgorithm)).toEqual(["RSA_2048", "ECDSA_P256", "ECDSA_P256"]);
  expect(chain[2].subject).toBe(chain[2].issuer);
});

test("garbage is a CertificateParseError", () => {
  expect(() => parseCertificate("nope")).toThrow(CertificateParseError);
  expect(() => parseCertificate(Buffer.from([0x30, 0x01]))).toThrow(CertificateParseError);
  expect(() => parseCertificateChain("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n")).toThrow(
    CertificateParseError,
  );
  expect(() => parseCertificateChain("")).toThrow(CertificateParseError);
});

describe("VAL-3: chainsTo (carry-over needs a still-valid certificate from an accepted CA)", () => {
  test("VAL-3: our leaf chains to our root through the issuing CA, only while every certificate is valid", () => {
    expect(chainsTo(leaf.der, [ca.issuing.certDer], [ca.root.certDer], now)).toBe(true);
    expect(chainsTo(leaf.der, [ca.issuing.certDer], [ca.root.certDer], new Date(now.getTime() + 31 * DAY))).toBe(false);
    expect(chainsTo(leaf.der, [ca.issuing.certDer], [ca.root.certDer], new Date(now.getTime() - 2 * DAY))).toBe(false);
  });

  test("VAL-3: no chain without the intermediate, to another root, or with a damaged signature", () => {
    expect(chainsTo(leaf.der, [], [ca.root.certDer], now)).toBe(false);
    expect(chainsTo(leaf.der, [ca.issuing.certDer], [otherCa.root.certDer], now)).toBe(false);
    expect(
      chainsTo(leaf.der, [otherCa.issuing.certDer, ca.issuing.certDer], [otherCa.root.certDer, ca.root.certDer], now),
    ).toBe(true);
    const damaged = Buffer.from(leaf.der);
    damaged[damaged.length - 10] ^= 0xff;
    expect(chainsTo(damaged, [ca.issuing.certDer], [ca.root.certDer], now)).toBe(false);
    // a CA certificate is not a leaf
    expect(chainsTo(ca.issuing.certDer, [], [ca.root.certDer], now)).toBe(false);
  });

  test("VAL-3: a chain made by openssl (another CA, no SAN on the leaf) is read and verified", () => {
    const ext = (name: string, body: string) => dir.file(name, body);
    opensslOk([
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      dir.file("f-root.key"),
      "-out",
      dir.file("f-root.pem"),
      "-subj",
      "/C=JP/O=Foreign CA/CN=Foreign Root",
      "-days",
      "3650",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    opensslOk([
      "req",
      "-new",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      dir.file("f-int.key"),
      "-out",
      dir.file("f-int.csr"),
      "-subj",
      "/C=JP/O=Foreign CA/CN=Foreign Intermediate",
    ]);
    opensslOk([
      "x509",
      "-req",
      "-in",
      dir.file("f-int.csr"),
      "-CA",
      dir.file("f-root.pem"),
      "-CAkey",
      dir.file("f-root.key"),
      "-CAcreateserial",
      "-days",
      "1000",
      "-out",
      dir.file("f-int.pem"),
      "-extfile",
      ext(
        "f-int.ext",
        "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
      ),
    ]);
    opensslOk([
      "req",
      "-new",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      dir.file("f-leaf.key"),
      "-out",
      dir.file("f-leaf.csr"),
      "-subj",
      "/CN=old.akashi-demo.jp",
    ]);
    opensslOk([
      "x509",
      "-req",
      "-in",
      dir.file("f-leaf.csr"),
      "-CA",
      dir.file("f-int.pem"),
      "-CAkey",
      dir.file("f-int.key"),
      "-CAcreateserial",
      "-days",
      "90",
      "-out",
      dir.file("f-leaf.pem"),
      "-extfile",
      ext(
        "f-leaf.ext",
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
      ),
    ]);
    const pem = (n: string) => readFileSync(dir.file(n), "utf8");
    const chain = parseCertificateChain(pem("f-leaf.pem") + pem("f-int.pem"));
    expect(chain[0].names).toEqual(["old.akashi-demo.jp"]);
    expect(chain[0].keyAlgorithm).toBe("ECDSA_P256");
    const root = parseCertificate(pem("f-root.pem"));
    expect(chainsTo(chain[0].der, [chain[1].der], [root.der], new Date())).toBe(true);
    expect(chainsTo(chain[0].der, [chain[1].der], [ca.root.certDer], new Date())).toBe(false);
    expect(chainsTo(chain[0].der, [chain[1].der], [root.der], new Date(Date.now() + 91 * DAY))).toBe(false);
    // extra accepted roots do not get in the way
    expect(chainsTo(leaf.der, [ca.issuing.certDer], [root.der, ca.root.certDer], now)).toBe(true);
  });

  test("VAL-3: a CA below a pathLen 0 CA breaks the chain", async () => {
    const sub = await createIssuingCa({
      root: ca.issuing,
      keyAlgorithm: "ECDSA_P256",
      passphrase: "x",
      now: new Date(now.getTime() - DAY),
      subject: { commonName: "Too Deep CA" },
    });
    const { csrPem } = makeCsr(dir, "deep-leaf", { key: "ec-p256", subj: "/CN=deep.akashi-demo.jp" });
    const checked = checkCsr(csrPem, { names: ["deep.akashi-demo.jp"], wildcardAllowed: false });
    if (!checked.ok) throw new Error(checked.message);
    const deep = await issueServerCertificate({
      issuer: { certDer: sub.certDer, signer: sub.signer },
      subjectPublicKeySpki: checked.publicKeySpki,
      serialHex: newSerialHex(),
      names: checked.names,
      subject: { commonName: "deep.akashi-demo.jp" },
      validationLevel: "DV",
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + DAY),
      urls: URLS,
    });
    expect(chainsTo(deep.der, [sub.certDer, ca.issuing.certDer], [ca.root.certDer], now)).toBe(false);
    // the same leaf is fine if the sub-CA itself is the accepted anchor
    expect(chainsTo(deep.der, [], [sub.certDer], now)).toBe(true);
  });
});
