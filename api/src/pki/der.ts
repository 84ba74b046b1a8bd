/**
 * Minimal, strict DER reader and writer used to assemble the to-be-signed structures byte for byte
 * (issuer names and public keys are copied, never re-serialised) and to walk untrusted input.
 * Only what X.509, CRLs and OCSP need: single-byte tags, definite lengths.
 */

export class DerError extends Error {
  constructor(message: string) {
    super(`DER: ${message}`);
    this.name = "DerError";
  }
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

// ---------------------------------------------------------------- writing

/** Octets a DER length field takes: one below 128, else one more than the octets of the length. */
export function lengthFieldSize(n: number): number {
  if (n < 0x80) return 1;
  let size = 1;
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) size++;
  return size;
}

/** Writes a DER length at `at` of `out`; returns the position after it. */
export function writeLength(out: Buffer, at: number, n: number): number {
  const size = lengthFieldSize(n);
  if (size === 1) {
    out[at] = n;
    return at + 1;
  }
  out[at] = 0x80 | (size - 1);
  for (let i = size - 1; i >= 1; i--, n = Math.floor(n / 256)) out[at + i] = n & 0xff;
  return at + size;
}

export function tlv(tag: number, content: Buffer): Buffer {
  const out = Buffer.allocUnsafe(1 + lengthFieldSize(content.length) + content.length);
  out[0] = tag;
  content.copy(out, writeLength(out, 1, content.length));
  return out;
}

export const sequence = (...parts: Buffer[]): Buffer => tlv(TAG.SEQUENCE, Buffer.concat(parts));
export const set = (...parts: Buffer[]): Buffer => tlv(TAG.SET, Buffer.concat(parts));
/** [n] EXPLICIT (constructed context tag). */
export const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 | n, content);
/** [n] IMPLICIT over a primitive value. */
export const implicitPrimitive = (n: number, content: Buffer): Buffer => tlv(0x80 | n, content);
export const octetString = (value: Buffer): Buffer => tlv(TAG.OCTET_STRING, value);
export const bitString = (value: Buffer, unusedBits = 0): Buffer =>
  tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([unusedBits]), value]));
export const derNull = (): Buffer => Buffer.from([TAG.NULL, 0]);
export const boolean = (value: boolean): Buffer => Buffer.from([TAG.BOOLEAN, 1, value ? 0xff : 0]);
export const utf8String = (value: string): Buffer => tlv(TAG.UTF8_STRING, Buffer.from(value, "utf8"));
/** The characters a PrintableString may hold (X.680 41.4). */
export const PRINTABLE_STRING_TEXT = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
export const printableString = (value: string): Buffer => {
  if (!PRINTABLE_STRING_TEXT.test(value)) throw new DerError(`not a PrintableString: ${JSON.stringify(value)}`);
  return tlv(TAG.PRINTABLE_STRING, Buffer.from(value, "ascii"));
};

/** Minimal two's-complement content octets of a non-negative integer. */
export function integerContent(value: bigint): Buffer {
  if (value < 0n) throw new DerError("negative integers are not used here");
  let hex = value.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  let bytes = Buffer.from(hex, "hex");
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return bytes;
}

export const integer = (value: bigint | number): Buffer => tlv(TAG.INTEGER, integerContent(BigInt(value)));
/** INTEGER from content octets that are already minimal (a canonical serial number). */
export const integerFromContent = (content: Buffer): Buffer => tlv(TAG.INTEGER, content);
export const enumerated = (value: number): Buffer => tlv(TAG.ENUMERATED, integerContent(BigInt(value)));

export function oid(dotted: string): Buffer {
  const arcs = dotted.split(".").map((a) => {
    if (!/^\d+$/.test(a)) throw new DerError(`bad OID ${dotted}`);
    return BigInt(a);
  });
  if (arcs.length < 2) throw new DerError(`bad OID ${dotted}`);
  const out: number[] = [];
  const push = (arc: bigint) => {
    const stack: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) stack.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...stack);
  };
  push(arcs[0] * 40n + arcs[1]);
  arcs.slice(2).forEach(push);
  return tlv(TAG.OID, Buffer.from(out));
}

/** Whole seconds only: DER forbids trailing zero fractions and RFC 5280 / 6960 forbid fractions. */
function timeDigits(date: Date): { year: number; rest: string } {
  if (Number.isNaN(date.getTime())) throw new DerError("invalid date");
  const p = (n: number) => String(n).padStart(2, "0");
  return {
    year: date.getUTCFullYear(),
    rest: `${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}Z`,
  };
}

export function generalizedTime(date: Date): Buffer {
  const { year, rest } = timeDigits(date);
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(`${String(year).padStart(4, "0")}${rest}`, "ascii"));
}

/** RFC 5280 4.1.2.5: UTCTime for 1950–2049, GeneralizedTime from 2050. */
export function x509Time(date: Date): Buffer {
  const { year, rest } = timeDigits(date);
  if (year >= 1950 && year <= 2049) {
    return tlv(TAG.UTC_TIME, Buffer.from(`${String(year % 100).padStart(2, "0")}${rest}`, "ascii"));
  }
  return generalizedTime(date);
}

// ---------------------------------------------------------------- reading

export interface Tlv {
  tag: number;
  /** The whole element: tag, length and content. */
  raw: Buffer;
  /** The content octets. */
  value: Buffer;
}

/** Reads one element at `offset`; `raw` and `value` are views into `input`. */
export function readTlv(input: Buffer, offset = 0): Tlv {
  if (offset + 2 > input.length) throw new DerError("truncated element");
  const tag = input[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError("multi-byte tags are not supported");
  let pos = offset + 1;
  const first = input[pos++];
  let length: number;
  if (first < 0x80) length = first;
  else {
    const count = first & 0x7f;
    if (count === 0) throw new DerError("indefinite length is not DER");
    if (count > 4) throw new DerError("length too large");
    if (pos + count > input.length) throw new DerError("truncated length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + input[pos++];
    if (length < 0x80 || input[pos - count] === 0) throw new DerError("non-minimal length");
  }
  if (pos + length > input.length) throw new DerError("truncated content");
  return { tag, raw: input.subarray(offset, pos + length), value: input.subarray(pos, pos + length) };
}

/** Reads exactly one element spanning the whole input. */
export function readWhole(input: Buffer, expectTag?: number): Tlv {
  const el = readTlv(input, 0);
  if (el.raw.length !== input.length) throw new DerError("trailing bytes");
  if (expectTag !== undefined && el.tag !== expectTag)
    throw new DerError(`expected tag 0x${expectTag.toString(16)}, got 0x${el.tag.toString(16)}`);
  return el;
}

/** The elements inside a constructed element. */
export function childrenOf(el: Tlv): Tlv[] {
  if (!(el.tag & 0x20)) throw new DerError("not a constructed element");
  const out: Tlv[] = [];
  for (let offset = 0; offset < el.value.length;) {
    const child = readTlv(el.value, offset);
    out.push(child);
    offset += child.raw.length;
  }
  return out;
}

export function expectTag(el: Tlv | undefined, tag: number, what: string): Tlv {
  if (!el || el.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}`);
  return el;
}

export function readOid(el: Tlv): string {
  expectTag(el, TAG.OID, "OID");
  const v = el.value;
  if (v.length === 0) throw new DerError("empty OID");
  const arcs: bigint[] = [];
  let acc = 0n;
  for (let i = 0; i < v.length; i++) {
    const b = v[i];
    if (acc === 0n && b === 0x80) throw new DerError("non-minimal OID arc");
    acc = (acc << 7n) | BigInt(b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(acc);
      acc = 0n;
    } else if (i === v.length - 1) throw new DerError("truncated OID");
  }
  const first = arcs.shift()!;
  const top = first < 40n ? 0n : first < 80n ? 1n : 2n;
  return [top, first - top * 40n, ...arcs].join(".");
}

/** Content of a BIT STRING with no unused bits (keys, signatures). */
export function readBitStringBytes(el: Tlv): Buffer {
  expectTag(el, TAG.BIT_STRING, "BIT STRING");
  if (el.value.length < 1 || el.value[0] !== 0) throw new DerError("BIT STRING with unused bits");
  return el.value.subarray(1);
}
