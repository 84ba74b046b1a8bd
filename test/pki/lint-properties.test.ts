import { createPublicKey, generateKeyPairSync, verify } from "node:crypto";
import fc from "fast-check";
import { AsnConvert, AsnParser } from "@peculiar/asn1-schema";
import {
  AuthorityKeyIdentifier,
  Certificate,
  CertificateList,
  CertificatePolicies,
  CRLReason,
  Extension,
  SubjectAlternativeName,
} from "@peculiar/asn1-x509";
import { buildCrl, REVOCATION_REASON_CODE, type RevocationReason } from "../../api/src/pki/crl";
import { issuerContext } from "../../api/src/pki/certificate-der";
import { issueServerCertificate, POLICY_OID, type ValidationLevel } from "../../api/src/pki/issue";
import { maxLifetimeDays } from "../../api/src/domain/lifetime";
import { toALabels } from "../../api/src/domain/hostnames";
import { makeTestCa, URLS, type TestCa } from "../support/pki-fixtures";
import { TempDir } from "../support/openssl";

/**
 * Issue 15.6 property tests (fast-check): random valid inputs → issue (through the linter) → decode with
 * @peculiar/asn1-x509 → every field equals the input. A failure prints fast-check's seed and the shrunk
 * counterexample; `PKI_PROPERTY_SEED=<seed>` replays it.
 */

const RUNS = 60;
const PARAMS = {
  numRuns: RUNS,
  ...(process.env.PKI_PROPERTY_SEED ? { seed: Number(process.env.PKI_PROPERTY_SEED) } : {}),
};

/** An LDH label of 1..max octets; R-LDH labels other than A-labels ("ab--") are reserved. */
const ldhLabel = (max = 20) =>
  fc
    .stringMatching(new RegExp(`^[a-z0-9](?:[a-z0-9-]{0,${max - 2}}[a-z0-9])?$`))
    .filter((s) => s.length <= max && !/^..--/.test(s));
const KANA = [..."あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん"];
/** An A-label: a few kana through IDNA 2008. */
const aLabel = fc
  .array(fc.constantFrom(...KANA), { minLength: 1, maxLength: 6 })
  .map((u) => toALabels(`${u.join("")}.jp`)!.split(".")[0]);
/** A name under akashi-demo.jp: LDH and A-labels, sometimes 63-octet labels up to the 253-octet limit, sometimes a wildcard. */
const name = fc
  .record({
    labels: fc.array(fc.oneof({ weight: 4, arbitrary: ldhLabel() }, { weight: 1, arbitrary: aLabel }), {
      maxLength: 3,
    }),
    long: fc.array(ldhLabel(63), { maxLength: 3 }),
    wildcard: fc.boolean(),
  })
  .map(({ labels, long, wildcard }) => {
    const base = [...long, ...labels, "akashi-demo.jp"].join(".");
    return wildcard ? `*.${base}` : base;
  })
  .filter((n) => n.length <= 253);
const names = fc.uniqueArray(name, { minLength: 1, maxLength: 5 });
/** A canonical positive serial of 8–20 octets (a leading 00 only before a byte with the top bit set). */
const serial = fc
  .record({ bytes: fc.uint8Array({ minLength: 8, maxLength: 20 }), padded: fc.boolean() })
  .map(({ bytes, padded }) => {
    const b = Buffer.from(bytes);
    if (padded) {
      b[0] = 0;
      b[1] |= 0x80;
    } else {
      b[0] = (b[0] % 0x7f) + 1;
    }
    return b.toString("hex");
  });
/** Instants with milliseconds, from 2020 to 2060 (across the UTCTime/GeneralizedTime switch in 2050). */
const instant = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2060, 0, 1) }).map((ms) => new Date(ms));
const seconds = (d: Date) => Math.floor(d.getTime() / 1000) * 1000;

const dir = new TempDir();
afterAll(() => dir.remove());
let cas: TestCa[];
const keyPool = [
  generateKeyPairSync("ec", { namedCurve: "prime256v1" }),
  generateKeyPairSync("ec", { namedCurve: "prime256v1" }),
  generateKeyPairSync("ec", { namedCurve: "secp384r1" }),
  generateKeyPairSync("rsa", { modulusLength: 2048 }),
].map((k) => ({
  spki: k.publicKey.export({ type: "spki", format: "der" }),
  rsa: k.publicKey.asymmetricKeyType === "rsa",
}));

beforeAll(async () => {
  cas = [await makeTestCa(dir, "ECDSA_P256"), await makeTestCa(dir, "RSA_2048"), await makeTestCa(dir, "ECDSA_P384")];
});

const ext = (exts: Extension[] | undefined, id: string) => exts?.find((e) => e.extnID === id);
const extValue = <T>(e: Extension | undefined, type: new () => T): T => AsnParser.parse(e!.extnValue.buffer, type);

test("issue 15.6 property: random names, keys, dates, serials and levels issue, pass the linter and decode to exactly the input", async () => {
  const input = fc.record({
    caIndex: fc.nat({ max: 2 }),
    keyIndex: fc.nat({ max: keyPool.length - 1 }),
    names,
    level: fc.constantFrom<ValidationLevel>("DV", "OV", "EV"),
    notBefore: instant,
    /** Where notAfter falls in the allowed lifetime (1 s up to the VAL-7 maximum), and its milliseconds. */
    lifetimeShare: fc.double({ min: 0, max: 1, noNaN: true }),
    notAfterMs: fc.integer({ min: 0, max: 999 }),
    serialHex: serial,
  });
  await fc.assert(
    fc.asyncProperty(
      input,
      async ({ caIndex, keyIndex, names, level, notBefore, lifetimeShare, notAfterMs, serialHex }) => {
        const ca = cas[caIndex];
        const key = keyPool[keyIndex];
        const maxDays = maxLifetimeDays(new Date(seconds(notBefore)));
        const notAfter = new Date(
          seconds(notBefore) + Math.max(1, Math.floor(lifetimeShare * (maxDays - 1) * 86_400)) * 1000 + notAfterMs,
        );
        const context = JSON.stringify({ names, level, notBefore, notAfter, serialHex });
        const issued = await issueServerCertificate({
          issuer: ca.issuing,
          subjectPublicKeySpki: key.spki,
          serialHex,
          names,
          subject: {
            commonName: names[0],
            organization: "株式会社アカシ",
            stateOrProvince: "Tokyo",
            country: "JP",
            businessCategory: "Private Organization",
            jurisdictionCountry: "JP",
          },
          validationLevel: level,
          notBefore,
          notAfter,
          urls: URLS,
        }).catch((e: Error) => {
          throw new Error(`${context}: ${e.message}`);
        });

        const cert = AsnParser.parse(issued.der, Certificate);
        const tbs = cert.tbsCertificate;
        const got = {
          serial: Buffer.from(tbs.serialNumber).toString("hex"),
          issuer: Buffer.from(AsnConvert.serialize(tbs.issuer)).equals(issuerContext(ca.issuing.certDer).subjectName),
          notBefore: tbs.validity.notBefore.getTime().getTime(),
          notAfter: tbs.validity.notAfter.getTime().getTime(),
          spki: Buffer.from(AsnConvert.serialize(tbs.subjectPublicKeyInfo)).equals(key.spki),
          san: extValue(ext(tbs.extensions, "2.5.29.17"), SubjectAlternativeName).map((g) => g.dNSName),
          cn: tbs.subject.flatMap((rdn) => rdn.filter((a) => a.type === "2.5.4.3").map((a) => a.value.toString())),
          policies: extValue(ext(tbs.extensions, "2.5.29.32"), CertificatePolicies).map((p) => p.policyIdentifier),
          aki: Buffer.from(
            extValue(ext(tbs.extensions, "2.5.29.35"), AuthorityKeyIdentifier).keyIdentifier!.buffer,
          ).equals(issuerContext(ca.issuing.certDer).keyId),
          utcTimes: [tbs.validity.notBefore, tbs.validity.notAfter].map((t) => t.utcTime !== undefined),
        };
        expect({ context, ...got }).toEqual({
          context,
          serial: serialHex,
          issuer: true,
          notBefore: seconds(notBefore),
          notAfter: seconds(notAfter),
          spki: true,
          san: names,
          cn: names[0].length <= 64 ? [names[0]] : [],
          policies: [POLICY_OID[level]],
          aki: true,
          utcTimes: [notBefore, notAfter].map((d) => new Date(seconds(d)).getUTCFullYear() < 2050),
        });
        expect(issued.serialHex).toBe(serialHex);
        const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
        const ok = verify(
          ca.issuing.signer.keyAlgorithm === "ECDSA_P384" ? "sha384" : "sha256",
          tbsDer,
          createPublicKey({ key: issuerContext(ca.issuing.certDer).spki, format: "der", type: "spki" }),
          Buffer.from(cert.signatureValue),
        );
        expect({ context, signatureVerifies: ok }).toEqual({ context, signatureVerifies: true });
      },
    ),
    PARAMS,
  );
});

test("issue 15.6 property: random CRLs (entries, reasons, dates, numbers) pass the linter and decode to exactly the input", async () => {
  const reasons = Object.keys(REVOCATION_REASON_CODE) as RevocationReason[];
  const input = fc.record({
    caIndex: fc.nat({ max: 2 }),
    entries: fc.uniqueArray(fc.record({ serialHex: serial, revokedAt: instant, reason: fc.constantFrom(...reasons) }), {
      maxLength: 25,
      selector: (e) => e.serialHex,
    }),
    thisUpdate: instant,
    /** nextUpdate − thisUpdate in seconds: at most the 10 days STAT-1 allows. */
    validitySeconds: fc.integer({ min: 1, max: 10 * 86_400 }),
    /** CRLNumber: a positive integer of at most 20 octets. */
    crlNumberBytes: fc.uint8Array({ minLength: 1, maxLength: 19 }),
  });
  await fc.assert(
    fc.asyncProperty(input, async ({ caIndex, entries, thisUpdate, validitySeconds, crlNumberBytes }) => {
      const ca = cas[caIndex];
      const nextUpdate = new Date(seconds(thisUpdate) + validitySeconds * 1000);
      const crlNumber = BigInt("0x" + Buffer.from(crlNumberBytes).toString("hex")) + 1n;
      const context = `${entries.length} entries, CRL ${crlNumber}, ${thisUpdate.toISOString()}..${nextUpdate.toISOString()}`;
      const der = await buildCrl({ issuer: ca.issuing, crlNumber, thisUpdate, nextUpdate, entries }).catch(
        (e: Error) => {
          throw new Error(`${context}: ${e.message}`);
        },
      );
      const crl = AsnParser.parse(der, CertificateList);
      const tbs = crl.tbsCertList;
      const number = ext(tbs.crlExtensions, "2.5.29.20")!;
      const numberDer = Buffer.from(number.extnValue.buffer);
      expect({
        context,
        version: tbs.version,
        issuer: Buffer.from(AsnConvert.serialize(tbs.issuer)).equals(issuerContext(ca.issuing.certDer).subjectName),
        thisUpdate: tbs.thisUpdate.getTime().getTime(),
        nextUpdate: tbs.nextUpdate!.getTime().getTime(),
        crlNumber: BigInt("0x" + numberDer.subarray(2).toString("hex")),
        entries: (tbs.revokedCertificates ?? []).map((e) => ({
          serialHex: Buffer.from(e.userCertificate).toString("hex"),
          revokedAt: e.revocationDate.getTime().getTime(),
          code: e.crlEntryExtensions ? extValue(ext(e.crlEntryExtensions, "2.5.29.21"), CRLReason).reason : 0,
          utc: e.revocationDate.utcTime !== undefined,
        })),
      }).toEqual({
        context,
        version: 1,
        issuer: true,
        thisUpdate: seconds(thisUpdate),
        nextUpdate: seconds(nextUpdate),
        crlNumber,
        entries: entries.map((e) => ({
          serialHex: e.serialHex,
          revokedAt: seconds(e.revokedAt),
          code: REVOCATION_REASON_CODE[e.reason],
          utc: new Date(seconds(e.revokedAt)).getUTCFullYear() < 2050,
        })),
      });
      const ok = verify(
        ca.issuing.signer.keyAlgorithm === "ECDSA_P384" ? "sha384" : "sha256",
        Buffer.from(AsnConvert.serialize(tbs)),
        createPublicKey({ key: issuerContext(ca.issuing.certDer).spki, format: "der", type: "spki" }),
        Buffer.from(crl.signature),
      );
      expect({ context, signatureVerifies: ok }).toEqual({ context, signatureVerifies: true });
    }),
    PARAMS,
  );
});
