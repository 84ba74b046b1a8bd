import { randomBytes } from "node:crypto";
import {
  buildCrl,
  packCrlEntries,
  REVOCATION_REASON_CODE,
  type CrlEntry,
  type RevocationReason,
} from "../../api/src/pki/crl";
import { stopCrlThread } from "../../api/src/pki/crl-thread";
import { CrlEntriesMemory } from "../../api/src/pki/crl-entries-memory";
import { buildCrlTbs, buildLintedCrlTbs, type CrlTbsInput } from "../../api/src/pki/crl-tbs";
import { issuerContext } from "../../api/src/pki/certificate-der";
import { childrenOf, integerFromContent, readWhole, sequence, TAG, x509Time } from "../../api/src/pki/der";
import { reasonCode } from "../../api/src/pki/extensions";
import { LintError } from "../../api/src/pki/lint";
import { lintCrlEntries } from "../../api/src/pki/lint/crl-entries";
import { Findings } from "../../api/src/pki/lint/lint-error";
import { frameTailRoom, signatureAlgorithmIdentifier, type FramedTbs } from "../../api/src/pki/signer";
import { makeTestCa, type TestCa } from "../support/pki-fixtures";
import { openssl, opensslOk, TempDir } from "../support/openssl";

/**
 * STAT-1 at scale (issue 11): the CRL thread remembers the last list of each scope, and a list that is
 * that one plus new entries is written and linted from the new entries alone. The CRL must be the one a
 * build from scratch makes, byte for byte, and the lint must refuse what it refuses from scratch.
 */

const dir = new TempDir();
afterAll(() => dir.remove());
let ca: TestCa;
beforeAll(async () => {
  ca = await makeTestCa(dir, "ECDSA_P256");
});

const tbsOf = (t: FramedTbs): Buffer => t.frame.subarray(t.at, t.at + t.length);
const REASONS: RevocationReason[] = ["keyCompromise", "unspecified", "superseded", "cessationOfOperation"];
const ALLOWED = new Set([1, 2, 3, 4, 5, 9]);

/** `n` entries in revocation-time order, a burst of 40 per second, from `fromSeconds`. */
function entries(n: number, fromSeconds = Date.parse("2049-12-31T23:00:00Z") / 1000): CrlEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const serial = randomBytes(16);
    serial[0] = (serial[0] & 0x7f) | 0x01;
    return {
      serialHex: serial.toString("hex"),
      revokedAt: new Date((fromSeconds + Math.floor(i / 40) * 97) * 1000),
      reason: REASONS[i % REASONS.length],
    };
  });
}

function input(list: CrlEntry[], scope = "http://akashi.test/crl/ca/3.crl", crlNumber = 9n): CrlTbsInput {
  const issuer = issuerContext(ca.issuing.certDer);
  const now = Date.parse("2026-12-05T03:00:00Z");
  return {
    algorithmIdentifier: signatureAlgorithmIdentifier(ca.issuing.signer.keyAlgorithm),
    issuerName: issuer.subjectName,
    issuerKeyId: issuer.keyId,
    issuerSpki: issuer.spki,
    crlNumber,
    thisUpdateMs: now,
    nextUpdateMs: now + 7 * 86_400_000,
    idpUrl: scope,
    entries: packCrlEntries(list),
    reasonCodes: REVOCATION_REASON_CODE,
    tailRoom: frameTailRoom(ca.issuing.signer.keyAlgorithm),
  };
}

test("STAT-1: a list that grows at its end is built from its new entries alone, byte for byte the CRL built from scratch (across the UTCTime/GeneralizedTime boundary)", () => {
  const all = entries(6000);
  const memory = new CrlEntriesMemory();
  for (const [n, crlNumber] of [
    [1400, 10n],
    [1401, 11n],
    [1600, 12n],
    [1600, 13n],
    [6000, 14n],
  ] as const) {
    const built = memory.build(input(all.slice(0, n), undefined, crlNumber));
    expect(tbsOf(built).equals(tbsOf(buildCrlTbs(input(all.slice(0, n), undefined, crlNumber))))).toBe(true);
  }
  const reused: number[] = [];
  const again = new CrlEntriesMemory();
  // 2050 begins near entry 1485: the step from 1401 to 1600 adds GeneralizedTime after UTCTime.
  for (const n of [1400, 1401, 1600, 1600, 6000]) reused.push(again.build(input(all.slice(0, n))).reusedEntries);
  expect(reused).toEqual([0, 1400, 1401, 1600, 1600]);
});

test("STAT-1: a list that changed other than at its end (an expired entry left out, a late revocation ordered earlier, a reason or serial changed) is built in full, byte for byte the CRL built from scratch", () => {
  const all = entries(3000);
  const late = { ...entries(1, Date.parse("2049-12-31T22:00:00Z") / 1000)[0] };
  const changes: Array<[string, CrlEntry[]]> = [
    ["the oldest entry left out", all.slice(1)],
    ["a late revocation ordered before the last", [...all.slice(0, 1500), late, ...all.slice(1500)]],
    ["a reason changed", all.map((e, i) => (i === 9 ? { ...e, reason: "superseded" as const } : e))],
    ["a serial changed", all.map((e, i) => (i === 2999 ? { ...e, serialHex: "7a" + e.serialHex.slice(2) } : e))],
    ["a prefix of the list", all.slice(0, 2000)],
  ];
  for (const [what, list] of changes) {
    const memory = new CrlEntriesMemory();
    memory.build(input(all));
    const built = memory.build(input(list));
    expect([what, built.reusedEntries]).toEqual([what, 0]);
    expect([what, tbsOf(built).equals(tbsOf(buildCrlTbs(input(list))))]).toEqual([what, true]);
  }
});

test("STAT-1: each scope is remembered on its own, and a scope past the limit is forgotten, which costs a full build and never a wrong CRL", () => {
  const a = entries(2500);
  const b = entries(2500);
  const memory = new CrlEntriesMemory(2);
  memory.build(input(a, "http://akashi.test/crl/ca/0.crl"));
  memory.build(input(b, "http://akashi.test/crl/ca/1.crl"));
  const grownA = [...a, ...entries(10, Date.parse("2050-01-02T00:00:00Z") / 1000)];
  expect(memory.build(input(grownA, "http://akashi.test/crl/ca/0.crl")).reusedEntries).toBe(2500);
  // A third scope pushes out the one built longest ago (scope 1).
  memory.build(input(a, "http://akashi.test/crl/ca/2.crl"));
  expect(memory.size).toBe(2);
  const again = memory.build(input(b, "http://akashi.test/crl/ca/1.crl"));
  expect(again.reusedEntries).toBe(0);
  expect(tbsOf(again).equals(tbsOf(buildCrlTbs(input(b, "http://akashi.test/crl/ca/1.crl"))))).toBe(true);
  // Another scope's text under a scope's key is compared, not trusted: a full build.
  const crossed = memory.build(input(grownA, "http://akashi.test/crl/ca/1.crl"));
  expect(crossed.reusedEntries).toBe(0);
  expect(tbsOf(crossed).equals(tbsOf(buildCrlTbs(input(grownA, "http://akashi.test/crl/ca/1.crl"))))).toBe(true);
});

test("e_crl_entry_duplicate_serial: a new entry whose serial is already on the remembered list is refused, and the finding names it", () => {
  const all = entries(2500);
  const memory = new CrlEntriesMemory();
  memory.build(input(all));
  const repeated = [...all, { ...all[1234], revokedAt: new Date(Date.parse("2050-01-03T00:00:00Z")) }];
  let thrown: unknown;
  try {
    memory.build(input(repeated));
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(LintError);
  expect((thrown as LintError).failures).toEqual([
    { id: "e_crl_entry_duplicate_serial", detail: `serial ${all[1234].serialHex} is listed twice` },
  ]);
  // Two new entries with one serial between them, none on the remembered list: refused too.
  const twice = entries(1, Date.parse("2050-01-04T00:00:00Z") / 1000)[0];
  // (A refused build forgets its scope, so this starts from a memory of `all` again.)
  const fresh = new CrlEntriesMemory();
  fresh.build(input(all));
  expect(() => fresh.build(input([...all, twice, { ...twice, reason: "superseded" }]))).toThrow(
    /e_crl_entry_duplicate_serial/,
  );
});

test("STAT-1: the lint reads only a remembered list's new entries when the list begins with exactly its octets, and all of them otherwise", () => {
  const generic = (serialHex: string, seconds: number, code: number) =>
    sequence(
      integerFromContent(Buffer.from(serialHex, "hex")),
      x509Time(new Date(seconds * 1000)),
      sequence(reasonCode(code)),
    );
  const old = Array.from({ length: 50 }, (_, i) => generic((0x1000 + i).toString(16), 1_800_000_000 + i, 1));
  const first = new Findings();
  const sortedKeys = lintCrlEntries(first, readWhole(sequence(...old), TAG.SEQUENCE), ALLOWED);
  expect(first.errors).toEqual([]);
  const known = { octets: Buffer.concat(old), count: old.length, sortedKeys };
  // certificateHold (6) is not a reason this CA may write: a new entry carrying it is found.
  const bad = generic("2000", 1_800_000_100, 6);
  const grown = new Findings();
  lintCrlEntries(grown, readWhole(sequence(...old, bad), TAG.SEQUENCE), ALLOWED, known);
  expect(grown.errors.map((e) => e.id)).toEqual(["e_crl_reason_not_allowed"]);
  // Remembered octets that are not where the list begins are not used: the whole list is read.
  const replaced = new Findings();
  lintCrlEntries(
    replaced,
    readWhole(sequence(bad, ...old.slice(1), generic("2001", 1_800_000_101, 1)), TAG.SEQUENCE),
    ALLOWED,
    known,
  );
  expect(replaced.errors.map((e) => e.id)).toEqual(["e_crl_reason_not_allowed"]);
  expect(replaced.errors[0].detail).toContain("entry 2000");
  // The prefix is not walked again: octets given as passed are taken as passed (only this lint makes
  // them, from a CRL it passed), and a malformed new entry is numbered after the prefix's 50.
  const givenAsPassed = { octets: Buffer.concat([bad, ...old.slice(1)]), count: 50, sortedKeys };
  const malformed = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]);
  const after = new Findings();
  lintCrlEntries(after, readWhole(sequence(bad, ...old.slice(1), malformed), TAG.SEQUENCE), ALLOWED, givenAsPassed);
  expect(after.errors.map((e) => e.id)).not.toContain("e_crl_reason_not_allowed");
  expect(after.errors.some((e) => e.detail.includes("entry 51"))).toBe(true);
});

test("REV-1: octets written under another reason table are not reused, since an entry's octets depend on it", () => {
  const list = entries(2500);
  const { next } = buildLintedCrlTbs(input(list), null, true);
  const other = { ...input(list), reasonCodes: { ...REVOCATION_REASON_CODE, keyCompromise: 4 } };
  const built = buildCrlTbs(other, next);
  expect(built.reusedEntries).toBe(0);
  expect(tbsOf(built).equals(tbsOf(buildCrlTbs(other)))).toBe(true);
});

test("STAT-1: a built list is remembered only when asked, and only once it has passed the lint", () => {
  const list = entries(2500);
  expect(buildLintedCrlTbs(input(list)).next).toBeNull();
  const first = buildLintedCrlTbs(input(list), null, true);
  const next = first.next;
  expect(next?.count).toBe(2500);
  expect(next?.packed).toBe(input(list).entries.combined);
  // The remembered octets are a copy: the frame they were written in goes to the thread that signs it.
  first.tbs.frame.fill(0);
  const grown = [...list, ...entries(5, Date.parse("2050-02-01T00:00:00Z") / 1000)];
  const again = buildLintedCrlTbs(input(grown), next, true);
  expect(again.tbs.reusedEntries).toBe(2500);
  expect(tbsOf(again.tbs).equals(tbsOf(buildCrlTbs(input(grown))))).toBe(true);
  expect(() => buildLintedCrlTbs(input([...list, { ...list[0] }]), next, true)).toThrow(LintError);
});

test("STAT-1: in the CRL thread, a scope republished with more entries is signed over the TBS a full build makes, and verifies under openssl with every entry", async () => {
  const all = entries(3000, Math.floor(Date.now() / 1000) - 86_400);
  const scope = "http://akashi.test/crl/ca/5.crl";
  const publish = (list: CrlEntry[], crlNumber: bigint) =>
    buildCrl({
      issuer: ca.issuing,
      crlNumber,
      thisUpdate: new Date(input(list, scope, crlNumber).thisUpdateMs),
      nextUpdate: new Date(input(list, scope, crlNumber).nextUpdateMs),
      entries: list,
      idpUrl: scope,
      forceThread: true,
    });
  try {
    await publish(all.slice(0, 2500), 20n);
    const crl = await publish(all, 21n);
    const signedTbs = childrenOf(readWhole(crl, TAG.SEQUENCE))[0].raw;
    expect(signedTbs.equals(tbsOf(buildCrlTbs(input(all, scope, 21n))))).toBe(true);
    const file = dir.file("grown.crl", crl);
    expect(openssl(["crl", "-inform", "DER", "-in", file, "-CAfile", ca.chainPath, "-noout"]).out).toContain(
      "verify OK",
    );
    const text = opensslOk(["crl", "-inform", "DER", "-in", file, "-noout", "-text"]);
    expect(text.split("Serial Number:").length - 1).toBe(all.length);
  } finally {
    await stopCrlThread();
  }
});
