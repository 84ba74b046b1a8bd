import { buildCrl, packCrlEntries, REVOCATION_REASON_CODE, type RevocationReason } from "../../api/src/pki/crl";
import { buildCrlTbs } from "../../api/src/pki/crl-tbs";
import {
  buildCrlTbsOffThread,
  CRL_INLINE_MAX_ENTRIES,
  CRL_THREAD_NICE,
  stopCrlThread,
} from "../../api/src/pki/crl-thread";
import { issuerContext } from "../../api/src/pki/certificate-der";
import { frameTailRoom, signatureAlgorithmIdentifier, signFramedTbs, type FramedTbs } from "../../api/src/pki/signer";
import { checkCsr } from "../../api/src/pki/csr";
import { issueServerCertificate, newSerialHex, type IssuedCertificate } from "../../api/src/pki/issue";
import { toPem } from "../../api/src/pki/pem";
import { childrenOf, integerFromContent, readWhole, sequence, x509Time } from "../../api/src/pki/der";
import { reasonCode } from "../../api/src/pki/extensions";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { makeTestCa, URLS, type TestCa } from "../support/pki-fixtures";
import { makeCsr, openssl, opensslOk, opensslSerial, TempDir } from "../support/openssl";

const dir = new TempDir();
afterAll(() => dir.remove());
const HOUR = 3_600_000;

/** The TBS octets of a framed TBS. */
const tbsOf = (t: FramedTbs): Buffer => t.frame.subarray(t.at, t.at + t.length);

let ca: TestCa;
let leaves: IssuedCertificate[];

beforeAll(async () => {
  ca = await makeTestCa(dir, "ECDSA_P256");
  const { csrPem } = makeCsr(dir, "crl-leaf", { key: "ec-p256", subj: "/CN=crl.akashi-demo.jp" });
  const checked = checkCsr(csrPem, { names: ["crl.akashi-demo.jp"], wildcardAllowed: false });
  if (!checked.ok) throw new Error(checked.message);
  leaves = [];
  for (let i = 0; i < 2; i++) {
    leaves.push(
      await issueServerCertificate({
        issuer: ca.issuing,
        subjectPublicKeySpki: checked.publicKeySpki,
        serialHex: newSerialHex(),
        names: checked.names,
        subject: { commonName: "crl.akashi-demo.jp" },
        validationLevel: "DV",
        notBefore: new Date(Date.now() - HOUR),
        notAfter: new Date(Date.now() + 24 * HOUR),
        urls: URLS,
      }),
    );
  }
});

test("STAT-1: a serial whose first octet has its top bit set keeps its 00 sign octet on the CRL, and openssl shows it without", async () => {
  const now = new Date();
  const padded = "0080112233445566778899aabbccddee"; // canonical form of a 16-octet serial starting 0x80
  const plain = "7f112233445566778899aabbccddee";
  const crl = await buildCrl({
    issuer: ca.issuing,
    crlNumber: 2n,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + 7 * 24 * HOUR),
    entries: [padded, plain].map((serialHex) => ({ serialHex, revokedAt: now, reason: "superseded" as const })),
  });
  expect(crl.includes(Buffer.from(`0210${padded}`, "hex"))).toBe(true); // INTEGER, 16 octets, 00 first
  const text = opensslOk(["crl", "-inform", "DER", "-in", dir.file("sign-octet.crl", crl), "-noout", "-text"]);
  expect(opensslSerial(padded)).toBe("80112233445566778899AABBCCDDEE");
  expect(text).toContain(`Serial Number: ${opensslSerial(padded)}\n`);
  expect(text).toContain(`Serial Number: ${opensslSerial(plain)}\n`);
});

test("REV-1: the reason mapping is RFC 5280's codes for the six allowed reasons", () => {
  expect(REVOCATION_REASON_CODE).toEqual({
    unspecified: 0,
    keyCompromise: 1,
    affiliationChanged: 3,
    superseded: 4,
    cessationOfOperation: 5,
    privilegeWithdrawn: 9,
  });
});

test("STAT-1: a v2 CRL verifies under openssl, carries AKI and CRLNumber, and shows each reason; unspecified has no entry extensions", async () => {
  const now = new Date();
  const reasons: RevocationReason[] = [
    "keyCompromise",
    "affiliationChanged",
    "superseded",
    "cessationOfOperation",
    "privilegeWithdrawn",
  ];
  const entries = [
    { serialHex: leaves[0].serialHex, revokedAt: new Date(now.getTime() - HOUR), reason: "unspecified" as const },
    ...reasons.map((reason) => ({ serialHex: newSerialHex(), revokedAt: new Date(now.getTime() - 2 * HOUR), reason })),
  ];
  const crl = await buildCrl({
    issuer: ca.issuing,
    crlNumber: 123456789012345678901234567890n,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + 7 * 24 * HOUR),
    entries,
  });
  const crlPath = dir.file("full.crl", crl);
  const verify = openssl(["crl", "-inform", "DER", "-in", crlPath, "-CAfile", ca.chainPath, "-noout"]);
  expect(verify.out).toContain("verify OK");
  const text = opensslOk(["crl", "-inform", "DER", "-in", crlPath, "-noout", "-text"]);
  expect(text).toContain("Version 2 (0x1)");
  expect(text).toContain("X509v3 Authority Key Identifier");
  expect(text).toMatch(/X509v3 CRL Number:\s+123456789012345678901234567890\n/);
  for (const label of [
    "Key Compromise",
    "Affiliation Changed",
    "Superseded",
    "Cessation Of Operation",
    "Privilege Withdrawn",
  ]) {
    expect(text).toContain(label);
  }
  // the unspecified entry: serial, date, and no "CRL entry extensions" block following it
  const block = text.split("Serial Number: ").find((b) => b.startsWith(opensslSerial(leaves[0].serialHex)))!;
  expect(block).toBeDefined();
  expect(block).not.toContain("CRL entry extensions");
  expect(text.match(/CRL entry extensions/g)).toHaveLength(5);
  // DER check: the entry for the unspecified serial is SEQUENCE { INTEGER, UTCTime } only
  const asn1 = opensslOk(["asn1parse", "-inform", "DER", "-in", crlPath]);
  expect(asn1).toContain(":X509v3 CRL Number");
  expect(asn1).toContain(":X509v3 CRL Reason Code");
  const revoked = childrenOf(childrenOf(readWhole(crl))[0])[5];
  const unspecifiedEntry = childrenOf(revoked)[0];
  expect(childrenOf(unspecifiedEntry).map((e) => e.tag)).toEqual([0x02, 0x17]);
});

test("STAT-1: openssl verify -crl_check says revoked for the revoked leaf and OK for another", async () => {
  const now = new Date();
  const crl = await buildCrl({
    issuer: ca.issuing,
    crlNumber: 2n,
    thisUpdate: new Date(now.getTime() - 60_000),
    nextUpdate: new Date(now.getTime() + 24 * HOUR),
    entries: [{ serialHex: leaves[0].serialHex, revokedAt: new Date(now.getTime() - 30_000), reason: "keyCompromise" }],
  });
  const crlPem = dir.file("check.crl.pem", toPem(crl, "X509 CRL"));
  const [revoked, good] = leaves.map((l, i) => dir.file(`crl-leaf-${i}.pem`, l.pem));
  const args = (leaf: string) => [
    "verify",
    "-crl_check",
    "-CRLfile",
    crlPem,
    "-CAfile",
    ca.rootPath,
    "-untrusted",
    ca.issuingPath,
    leaf,
  ];
  const r1 = openssl(args(revoked));
  expect(r1.status).not.toBe(0);
  expect(r1.out).toContain("certificate revoked");
  const r2 = openssl(args(good));
  expect(r2.out).toContain(`${good}: OK`);
});

test("STAT-1: a CRL with no entries omits revokedCertificates and still verifies", async () => {
  const now = new Date();
  const crl = await buildCrl({
    issuer: ca.issuing,
    crlNumber: 1n,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + HOUR),
    entries: [],
  });
  const crlPath = dir.file("empty.crl", crl);
  expect(openssl(["crl", "-inform", "DER", "-in", crlPath, "-CAfile", ca.chainPath, "-noout"]).out).toContain(
    "verify OK",
  );
  const text = opensslOk(["crl", "-inform", "DER", "-in", crlPath, "-noout", "-text"]);
  expect(text).toContain("No Revoked Certificates.");
  // TBSCertList: version, signature, issuer, thisUpdate, nextUpdate, [0] extensions — no empty SEQUENCE
  const tbs = childrenOf(childrenOf(readWhole(crl))[0]);
  expect(tbs.map((e) => e.tag)).toEqual([0x02, 0x30, 0x30, 0x17, 0x17, 0xa0]);
});

test("STAT-1: the root can sign a CRL for its issuing CAs with the same function", async () => {
  const now = new Date();
  const crl = await buildCrl({
    issuer: ca.root,
    crlNumber: 1n,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + 24 * HOUR),
    entries: [],
  });
  expect(openssl(["crl", "-inform", "DER", "-CAfile", ca.rootPath, "-noout"], crl).out).toContain("verify OK");
});

test("REV-1: a reason outside the allowed six is refused", async () => {
  const now = new Date();
  await expect(
    buildCrl({
      issuer: ca.issuing,
      crlNumber: 3n,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + HOUR),
      entries: [{ serialHex: "01", revokedAt: now, reason: "certificateHold" as unknown as RevocationReason }],
    }),
  ).rejects.toThrow(/not allowed/);
});

test("STAT-1: the CRL worker thread yields the CPU to request handling (nice 10 on Linux; elsewhere nice is per process and left alone)", async () => {
  const niceOfThreads = (): number[] =>
    readdirSync(`/proc/${process.pid}/task`).map((tid) => {
      const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]); // field 19: nice
    });
  const now = new Date();
  await buildCrl({
    issuer: ca.issuing,
    crlNumber: 9n,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + HOUR),
    entries: [{ serialHex: newSerialHex(), revokedAt: now, reason: "superseded" }],
    forceThread: true,
  });
  if (process.platform === "linux") {
    const nice = niceOfThreads();
    expect(nice.filter((n) => n === CRL_THREAD_NICE)).toHaveLength(1);
    expect(os.getPriority()).toBe(0); // the process, and so this event loop, keeps its priority
  } else {
    expect(os.getPriority()).toBe(0);
  }
});

test("STAT-1: a large CRL is built in the worker thread, byte for byte the TBS the calling thread builds; it verifies under openssl with all its entries and its Issuing Distribution Point", async () => {
  const now = new Date();
  const reasons: RevocationReason[] = ["unspecified", "keyCompromise", "superseded"];
  const entries = Array.from({ length: CRL_INLINE_MAX_ENTRIES + 500 }, (_, i) => ({
    serialHex: newSerialHex(),
    revokedAt: new Date(now.getTime() - HOUR - i * 1000),
    reason: reasons[i % 3],
  }));
  const issuer = issuerContext(ca.issuing.certDer);
  const input = {
    algorithmIdentifier: signatureAlgorithmIdentifier(ca.issuing.signer.keyAlgorithm),
    issuerName: issuer.subjectName,
    issuerKeyId: issuer.keyId,
    issuerSpki: issuer.spki,
    crlNumber: 7n,
    thisUpdateMs: now.getTime(),
    nextUpdateMs: now.getTime() + 7 * 24 * HOUR,
    idpUrl: "http://akashi.test/crl/ca/3.crl",
    entries: packCrlEntries(entries),
    reasonCodes: REVOCATION_REASON_CODE,
    tailRoom: frameTailRoom(ca.issuing.signer.keyAlgorithm),
  };
  const inThread = await buildCrlTbsOffThread(input, true);
  expect(tbsOf(inThread).equals(tbsOf(buildCrlTbs(input)))).toBe(true);
  // The fast entry encoder writes what the generic DER builders write (a GeneralizedTime after 2049 too).
  const generic = (e: { serialHex: string; revokedAt: Date; reason: RevocationReason }) => {
    const code = REVOCATION_REASON_CODE[e.reason];
    return sequence(
      integerFromContent(Buffer.from(e.serialHex, "hex")),
      x509Time(new Date(Math.floor(e.revokedAt.getTime() / 1000) * 1000)),
      ...(code === 0 ? [] : [sequence(reasonCode(code))]),
    );
  };
  const odd = [
    ...entries.slice(0, 5),
    { serialHex: "00ff01", revokedAt: new Date("2051-03-04T05:06:07Z"), reason: "privilegeWithdrawn" as const },
  ];
  const oddTbs = buildCrlTbs({ ...input, entries: packCrlEntries(odd) });
  expect(tbsOf(oddTbs).includes(sequence(...odd.map(generic)))).toBe(true);
  // Reasons outside REV-1 are refused in the worker too.
  await expect(
    buildCrlTbsOffThread(
      {
        ...input,
        entries: { ...input.entries, combined: input.entries.combined.replace("keyCompromise", "caCompromise") },
      },
      true,
    ),
  ).rejects.toThrow(/REV-1/);

  const crl = await buildCrl({
    issuer: ca.issuing,
    crlNumber: 7n,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + 7 * 24 * HOUR),
    entries,
    idpUrl: input.idpUrl,
  });
  const file = dir.file("large.crl", crl);
  expect(openssl(["crl", "-inform", "DER", "-in", file, "-CAfile", ca.chainPath, "-noout"]).out).toContain("verify OK");
  const text = opensslOk(["crl", "-inform", "DER", "-in", file, "-noout", "-text"]);
  expect(text.split("Serial Number:").length - 1).toBe(entries.length);
  expect(text).toMatch(
    /X509v3 Issuing Distribution Point: critical\s+Full Name:\s+URI:http:\/\/akashi\.test\/crl\/ca\/3\.crl\s+Only User Certificates/,
  );
  await stopCrlThread();
});

test("STAT-1: a CRL is signed where its TBS was built, and one whose signature does not fit the room left is copied instead; both verify under openssl", async () => {
  const now = new Date();
  const issuer = issuerContext(ca.issuing.certDer);
  const framed = (tailRoom: number) =>
    buildCrlTbs({
      algorithmIdentifier: signatureAlgorithmIdentifier(ca.issuing.signer.keyAlgorithm),
      issuerName: issuer.subjectName,
      issuerKeyId: issuer.keyId,
      issuerSpki: issuer.spki,
      crlNumber: 9n,
      thisUpdateMs: now.getTime(),
      nextUpdateMs: now.getTime() + 7 * 24 * HOUR,
      idpUrl: null,
      entries: packCrlEntries([{ serialHex: newSerialHex(), revokedAt: now, reason: "keyCompromise" }]),
      reasonCodes: REVOCATION_REASON_CODE,
      tailRoom,
    });
  const roomy = framed(frameTailRoom(ca.issuing.signer.keyAlgorithm));
  const inPlace = await signFramedTbs(ca.issuing.signer, roomy);
  expect(inPlace.buffer).toBe(roomy.frame.buffer);
  const cramped = framed(0);
  const copied = await signFramedTbs(ca.issuing.signer, cramped);
  expect(copied.buffer).not.toBe(cramped.frame.buffer);
  for (const [name, der] of [
    ["in-place.crl", inPlace],
    ["copied.crl", copied],
  ] as const) {
    expect(childrenOf(readWhole(der, 0x30))).toHaveLength(3); // one whole SEQUENCE: TBS, algorithm, signature
    const file = dir.file(name, der);
    expect(openssl(["crl", "-inform", "DER", "-in", file, "-CAfile", ca.chainPath, "-noout"]).out).toContain(
      "verify OK",
    );
  }
});

test("STAT-1: a CRL whose TBS fits a 2-octet length but whose whole needs 3 is signed in place with the longer header, and verifies under openssl", async () => {
  const now = new Date();
  const issuer = issuerContext(ca.issuing.certDer);
  const framed = (count: number) =>
    buildCrlTbs({
      algorithmIdentifier: signatureAlgorithmIdentifier(ca.issuing.signer.keyAlgorithm),
      issuerName: issuer.subjectName,
      issuerKeyId: issuer.keyId,
      issuerSpki: issuer.spki,
      crlNumber: 10n,
      thisUpdateMs: now.getTime(),
      nextUpdateMs: now.getTime() + 7 * 24 * HOUR,
      idpUrl: null,
      // 16-octet serials, one revocation time: every entry is 49 octets.
      entries: packCrlEntries(
        Array.from({ length: count }, (_, i) => ({
          serialHex: `7${i.toString(16).padStart(31, "0")}`,
          revokedAt: now,
          reason: "keyCompromise" as const,
        })),
      ),
      reasonCodes: REVOCATION_REASON_CODE,
      tailRoom: frameTailRoom(ca.issuing.signer.keyAlgorithm),
    });
  // The algorithm and an ECDSA P-256 signature add at least 85 octets to the TBS: a TBS of
  // 0xffff - 84 … 0xffff octets makes a CRL whose length needs a third octet.
  let count = Math.floor((0xffff - 84 - framed(0).length) / 49);
  let tbs = framed(count);
  while (tbs.length < 0xffff - 84) tbs = framed(++count);
  expect(tbs.length).toBeLessThanOrEqual(0xffff);
  expect(tbs.frame.subarray(tbs.at, tbs.at + 2).toString("hex")).toBe("3082"); // the TBS's own length: 2 octets

  const der = await signFramedTbs(ca.issuing.signer, tbs);
  expect(der.buffer).toBe(tbs.frame.buffer); // signed in place
  expect(der.subarray(0, 2).toString("hex")).toBe("3083");
  expect(der.length - 5).toBeGreaterThan(0xffff);
  expect(childrenOf(readWhole(der, 0x30))).toHaveLength(3);
  const file = dir.file("three-octet-length.crl", der);
  const shown = openssl(["crl", "-inform", "DER", "-in", file, "-CAfile", ca.chainPath, "-noout", "-text"]).out;
  expect(shown).toContain("verify OK");
  expect(shown.match(/Serial Number:/g)).toHaveLength(count);
});
