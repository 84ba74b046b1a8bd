import { randomBytes } from "node:crypto";
import { parsePackedEntries, writeEntries, type ReasonExtension } from "../../api/src/pki/crl-entry-writer";
import { REVOCATION_REASON_CODE, type RevocationReason } from "../../api/src/pki/crl";
import {
  integerFromContent,
  lengthFieldSize,
  readWhole,
  sequence,
  TAG,
  tlv,
  writeLength,
  x509Time,
} from "../../api/src/pki/der";
import { reasonCode } from "../../api/src/pki/extensions";
import { lintCrlEntries, lintEntryInFull, plainEntryLength } from "../../api/src/pki/lint/crl-entries";
import { Findings } from "../../api/src/pki/lint/lint-error";
import { canonicalSerialHex } from "../../api/src/pki/serial";

/**
 * STAT-1 at scale: a CRL's entries are written from PostgreSQL's packed text without an object per
 * entry (pki/crl-entry-writer.ts), and linted in place when they have the one shape this CA writes
 * (plainEntryLength). Both must say exactly what the generic, allocating code says.
 */

const REASONS: ReasonExtension[] = Object.entries(REVOCATION_REASON_CODE).map(([name, code]) => ({
  name,
  der: code === 0 ? null : sequence(reasonCode(code)),
}));
const ALLOWED = new Set([1, 2, 3, 4, 5, 9]);

interface Entry {
  serialHex: string;
  seconds: number;
  reason: RevocationReason;
}

/** The generic DER builders' entry: the reference the writer is held to. */
function genericEntry(e: Entry): Buffer {
  const code = REVOCATION_REASON_CODE[e.reason];
  return sequence(
    integerFromContent(Buffer.from(canonicalSerialHex(e.serialHex), "hex")),
    x509Time(new Date(e.seconds * 1000)),
    ...(code === 0 ? [] : [sequence(reasonCode(code))]),
  );
}

function written(entries: Entry[]): Buffer {
  const text = entries.map((e) => `${e.serialHex} ${e.seconds} ${e.reason}`).join(",");
  const parsed = parsePackedEntries(text, entries.length, REASONS);
  const out = Buffer.alloc(parsed.totalLength);
  expect(writeEntries(out, 0, parsed, REASONS)).toBe(out.length);
  return out;
}

const at = (iso: string) => Date.parse(iso) / 1000;
const reasons = Object.keys(REVOCATION_REASON_CODE) as RevocationReason[];

/** Edge cases of every part of an entry, each reason, and both kinds of time. */
const EDGES: Entry[] = [
  { serialHex: "01", seconds: at("1950-01-01T00:00:00Z"), reason: "keyCompromise" },
  { serialHex: "7f", seconds: at("1969-12-31T23:59:59Z"), reason: "unspecified" },
  { serialHex: "0080", seconds: at("1949-12-31T23:59:59Z"), reason: "superseded" },
  { serialHex: "00ff01", seconds: at("2000-02-29T12:34:56Z"), reason: "affiliationChanged" },
  { serialHex: "7f" + "ab".repeat(19), seconds: at("2049-12-31T23:59:59Z"), reason: "cessationOfOperation" },
  { serialHex: "00" + "ff".repeat(19), seconds: at("2050-01-01T00:00:00Z"), reason: "privilegeWithdrawn" },
  { serialHex: "1234", seconds: at("2100-02-28T23:00:00Z"), reason: "keyCompromise" },
  { serialHex: "3456", seconds: at("2400-02-29T01:02:03Z"), reason: "superseded" },
  { serialHex: "5678", seconds: at("9999-12-31T23:59:59Z"), reason: "unspecified" },
  { serialHex: "0a", seconds: 0, reason: "keyCompromise" },
];

/**
 * `n` entries with distinct serials of 1 to 20 octets (one in five with a 00 octet before a first
 * octet of 0x80 or more), revoked at any second of 1970–2199.
 */
function randomEntries(n: number): Entry[] {
  const serials = new Set<string>();
  for (let i = 0; serials.size < n; i++) {
    const bytes = randomBytes(1 + (i % 20));
    if (i % 5 === 0 && bytes.length > 1) {
      bytes[0] = 0;
      bytes[1] |= 0x80;
    } else bytes[0] = (bytes[0] & 0x7f) | 0x01;
    serials.add(bytes.toString("hex"));
  }
  return [...serials].map((serialHex, i) => ({
    serialHex,
    seconds: Math.floor(Math.random() * at("2200-01-01T00:00:00Z")),
    reason: reasons[i % reasons.length],
  }));
}

test("STAT-1: the entry writer writes byte for byte what the generic DER builders write: every reason, UTCTime and GeneralizedTime, 1- to 20-octet serials, leap days", () => {
  const entries = [...EDGES, ...randomEntries(3000)];
  expect(written(entries).equals(Buffer.concat(entries.map(genericEntry)))).toBe(true);
});

test("STAT-1: a burst's entries, many in one second and one day, are written as the generic builders write them, across the UTCTime/GeneralizedTime boundary", () => {
  // The writer keeps the last day's date and copies the last second's time: a mass revocation's list.
  const start = at("2049-12-31T23:59:50Z");
  const entries = randomEntries(3000).map((e, i) => ({ ...e, seconds: start + Math.floor(i / 150) }));
  expect(written(entries).equals(Buffer.concat(entries.map(genericEntry)))).toBe(true);
});

test("STAT-1: DER length fields of every size, as the generic writer writes them (a list of 16 MiB or more included)", () => {
  const written = (n: number) => {
    const out = Buffer.alloc(lengthFieldSize(n));
    expect(writeLength(out, 0, n)).toBe(out.length);
    return out.toString("hex");
  };
  for (const n of [0, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0xffffff, 0x1000000])
    expect(written(n)).toBe(
      tlv(0x30, Buffer.alloc(n))
        .subarray(1, 1 + lengthFieldSize(n))
        .toString("hex"),
    );
  expect(written(0x80)).toBe("8180");
  expect(written(0x1000000)).toBe("8401000000");
  expect(written(0x3fffffff)).toBe("843fffffff");
});

test("STAT-1: a serial not stored canonical (a redundant 00, upper case) is written as its canonical INTEGER", () => {
  const entries: Entry[] = [
    { serialHex: "0001", seconds: 1_800_000_000, reason: "keyCompromise" },
    { serialHex: "AB12", seconds: 1_800_000_000, reason: "superseded" },
    { serialHex: "000080", seconds: 1_800_000_000, reason: "unspecified" },
  ];
  const out = written(entries);
  expect(out.equals(Buffer.concat(entries.map(genericEntry)))).toBe(true);
  expect(out.includes(Buffer.from("020101", "hex"))).toBe(true);
  expect(out.includes(Buffer.from("020300ab12", "hex"))).toBe(true);
});

test("REV-1: packed entries with a reason outside the list, a time that is not whole seconds, or the wrong count are refused", () => {
  expect(() => parsePackedEntries("0a 1800000000 caCompromise", 1, REASONS)).toThrow(
    /caCompromise is not allowed \(REV-1\)/,
  );
  expect(() => parsePackedEntries("0a 1800000000.5 superseded", 1, REASONS)).toThrow(/bad revocation time/);
  expect(() => parsePackedEntries("0a  superseded", 1, REASONS)).toThrow(/bad revocation time/);
  expect(() => parsePackedEntries("0a 1800000000 superseded,0b 1800000000 superseded", 1, REASONS)).toThrow(
    /differ in number/,
  );
  expect(() => parsePackedEntries("0a 1800000000 superseded", 2, REASONS)).toThrow(/differ in number/);
  expect(() => parsePackedEntries("0a 1800000000 superseded,", 1, REASONS)).toThrow(/trailing comma/);
  expect(() => parsePackedEntries("0a 1800000000", 1, REASONS)).toThrow(/bad revocation time in "0a 1800000000"/);
  expect(() => parsePackedEntries("zz 1800000000 superseded", 1, REASONS)).toThrow(/not hex/);
  expect(() => parsePackedEntries("00 1800000000 superseded", 1, REASONS)).toThrow(/positive/);
});

test("REV-1: a character outside ASCII in packed entries is never read as the octet it ends in: no serial digit, time digit or reason name accepts it", () => {
  // U+0130, U+3030 and U+0164 end in the octets of "0", "0" and "d"; their UTF-8 octets match no part.
  expect(() => parsePackedEntries("0\u0130 1800000000 superseded", 1, REASONS)).toThrow(/not hex/);
  expect(() => parsePackedEntries("0a 18000\u3030000 superseded", 1, REASONS)).toThrow(/bad revocation time/);
  expect(() => parsePackedEntries("0a 1800000000 supersede\u0164", 1, REASONS)).toThrow(
    /supersede\u0164 is not allowed \(REV-1\)/,
  );
});

function fullFindings(b: Buffer): { ids: string[]; next: number } {
  const f = new Findings();
  const read = lintEntryInFull(f, b, 0, 1, ALLOWED);
  return { ids: f.errors.map((e) => e.id), next: read.next };
}

test("issue 15.6: every entry this CA writes is linted in place, and the full walk finds nothing in it either", () => {
  const entries = [...EDGES, ...randomEntries(500)];
  for (const e of entries) {
    const der = genericEntry(e);
    expect(plainEntryLength(der, 0, ALLOWED)).toBe(der.length);
    expect(fullFindings(der)).toEqual({ ids: [], next: der.length });
  }
});

test("issue 15.6: the in-place lint passes an entry only when the full walk finds nothing in it (20,000 damaged entries)", () => {
  const entries = [...EDGES, ...randomEntries(200)].map(genericEntry);
  let refusedInPlace = 0;
  let foundByFullWalk = 0;
  for (let i = 0; i < 20_000; i++) {
    const der = Buffer.from(entries[i % entries.length]);
    const changes = 1 + (i % 3);
    for (let k = 0; k < changes; k++) {
      const pos = Math.floor(Math.random() * der.length);
      // Digits, DER tags and lengths near the right ones find more edges than uniform bytes would.
      const pick = [0x30, 0x39, 0x3a, 0x00, 0x80, 0x17, 0x18, 0x02, 0x0a, 0x5a, der[pos] + 1, der[pos] - 1];
      der[pos] = i % 4 === 0 ? randomBytes(1)[0] : pick[Math.floor(Math.random() * pick.length)] & 0xff;
    }
    const plain = plainEntryLength(der, 0, ALLOWED);
    if (plain > 0) {
      expect({ der: der.toString("hex"), ...fullFindings(der) }).toEqual({
        der: der.toString("hex"),
        ids: [],
        next: plain,
      });
    } else {
      refusedInPlace++;
      if (fullFindings(der).ids.length > 0) foundByFullWalk++;
    }
  }
  // The damage was real: most entries left the fast path, and the full walk named a finding in most of those.
  expect(refusedInPlace).toBeGreaterThan(10_000);
  expect(foundByFullWalk).toBeGreaterThan(refusedInPlace / 2);
});

test("e_crl_entry_duplicate_serial: a serial listed three times is reported twice, whether its entries are read in place or in full", () => {
  const twice = genericEntry({ serialHex: "42aa", seconds: 1_800_000_000, reason: "keyCompromise" });
  // The same serial with a reason this CA never writes (certificateHold) leaves the fast path.
  const odd = sequence(
    integerFromContent(Buffer.from("42aa", "hex")),
    x509Time(new Date(1_800_000_000_000)),
    sequence(reasonCode(6)),
  );
  const others = randomEntries(1000).map(genericEntry);
  const list = readWhole(sequence(twice, ...others.slice(0, 500), odd, ...others.slice(500), twice), TAG.SEQUENCE);
  const f = new Findings();
  lintCrlEntries(f, list, ALLOWED);
  const ids = f.errors.map((e) => e.id);
  expect(ids.filter((id) => id === "e_crl_entry_duplicate_serial")).toHaveLength(2);
  expect(f.errors.find((e) => e.id === "e_crl_entry_duplicate_serial")?.detail).toBe("serial 42aa is listed twice");
  expect(ids).toContain("e_crl_reason_not_allowed");

  const clean = new Findings();
  lintCrlEntries(clean, readWhole(sequence(...others), TAG.SEQUENCE), ALLOWED);
  expect(clean.errors).toEqual([]);
});
