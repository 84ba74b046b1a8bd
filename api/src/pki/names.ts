import {
  childrenOf,
  DerError,
  oid,
  printableString,
  readOid,
  readWhole,
  sequence,
  set,
  TAG,
  utf8String,
  type Tlv,
} from "./der";

/** Attributes the CA writes into subject names, in the order they appear (most significant first). */
export interface NameInput {
  jurisdictionCountry?: string;
  jurisdictionStateOrProvince?: string;
  jurisdictionLocality?: string;
  businessCategory?: string;
  serialNumber?: string;
  country?: string;
  stateOrProvince?: string;
  locality?: string;
  organization?: string;
  organizationalUnit?: string;
  commonName?: string;
}

interface AttributeSpec {
  key: keyof NameInput;
  oid: string;
  short: string;
  max: number;
  printable?: boolean;
}

const SPECS: AttributeSpec[] = [
  { key: "jurisdictionCountry", oid: "1.3.6.1.4.1.311.60.2.1.3", short: "jurisdictionC", max: 2, printable: true },
  { key: "jurisdictionStateOrProvince", oid: "1.3.6.1.4.1.311.60.2.1.2", short: "jurisdictionST", max: 128 },
  { key: "jurisdictionLocality", oid: "1.3.6.1.4.1.311.60.2.1.1", short: "jurisdictionL", max: 128 },
  { key: "businessCategory", oid: "2.5.4.15", short: "businessCategory", max: 128 },
  { key: "serialNumber", oid: "2.5.4.5", short: "serialNumber", max: 64, printable: true },
  { key: "country", oid: "2.5.4.6", short: "C", max: 2, printable: true },
  { key: "stateOrProvince", oid: "2.5.4.8", short: "ST", max: 128 },
  { key: "locality", oid: "2.5.4.7", short: "L", max: 128 },
  { key: "organization", oid: "2.5.4.10", short: "O", max: 64 },
  { key: "organizationalUnit", oid: "2.5.4.11", short: "OU", max: 64 },
  { key: "commonName", oid: "2.5.4.3", short: "CN", max: 64 },
];

export const OID_COMMON_NAME = "2.5.4.3";
export const OID_ORGANIZATION = "2.5.4.10";

/** DER Name: one attribute per RDN; C and serial numbers as PrintableString, the rest UTF8String (RFC 5280 4.1.2.4). */
export function encodeName(input: NameInput): Buffer {
  const rdns: Buffer[] = [];
  for (const spec of SPECS) {
    const value = input[spec.key];
    if (value === undefined) continue;
    if (typeof value !== "string" || value.trim() === "") throw new Error(`name attribute ${spec.key} is empty`);
    if ([...value].length > spec.max)
      throw new Error(`name attribute ${spec.key} is longer than ${spec.max} characters`);
    if ((spec.key === "country" || spec.key === "jurisdictionCountry") && !/^[A-Z]{2}$/.test(value)) {
      throw new Error(`${spec.key} must be a two-letter ISO 3166 code, got ${JSON.stringify(value)}`);
    }
    rdns.push(set(sequence(oid(spec.oid), spec.printable ? printableString(value) : utf8String(value))));
  }
  if (rdns.length === 0) throw new Error("a name needs at least one attribute");
  return sequence(...rdns);
}

export interface NameAttribute {
  oid: string;
  /** Short name (CN, O, C …) or the dotted OID. */
  type: string;
  value: string;
}

function decodeString(el: Tlv): string {
  switch (el.tag) {
    case TAG.UTF8_STRING:
      return el.value.toString("utf8");
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case 0x14: // TeletexString (treated as Latin-1, as most software does)
    case 0x1a: // VisibleString
      return el.value.toString("latin1");
    case 0x1e: // BMPString
      return Buffer.from(el.value).swap16().toString("utf16le");
    case 0x1c: {
      // UniversalString (UTF-32BE)
      let s = "";
      for (let i = 0; i + 3 < el.value.length; i += 4) s += String.fromCodePoint(el.value.readUInt32BE(i));
      return s;
    }
    default:
      return "#" + el.raw.toString("hex");
  }
}

/** The attributes of a DER Name in order. */
export function readName(nameDer: Buffer): NameAttribute[] {
  const name = readWhole(nameDer, TAG.SEQUENCE);
  const out: NameAttribute[] = [];
  for (const rdn of childrenOf(name)) {
    if (rdn.tag !== TAG.SET) throw new DerError("RDN is not a SET");
    for (const atv of childrenOf(rdn)) {
      const [type, value] = childrenOf(atv);
      if (!type || !value) throw new DerError("bad AttributeTypeAndValue");
      const dotted = readOid(type);
      out.push({ oid: dotted, type: SPECS.find((s) => s.oid === dotted)?.short ?? dotted, value: decodeString(value) });
    }
  }
  return out;
}

function escapeValue(value: string): string {
  return value
    .replace(/([,+"\\<>;=])/g, "\\$1")
    .replace(/^([ #])/, "\\$1")
    .replace(/ $/, "\\ ");
}

/** "C=JP, O=Example, CN=shop.akashi-demo.jp": attributes in certificate order, RFC 4514 escaping. */
export function formatName(nameDer: Buffer): string {
  return readName(nameDer)
    .map((a) => `${a.type}=${escapeValue(a.value)}`)
    .join(", ");
}
