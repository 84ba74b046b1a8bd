import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { issuerContext, readCertificateParts } from "../../api/src/pki/certificate-der";
import {
  boolean,
  childrenOf,
  explicit,
  generalizedTime,
  implicitPrimitive,
  integer,
  integerFromContent,
  octetString,
  oid,
  printableString,
  readWhole,
  sequence,
  set,
  tlv,
  utf8String,
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
import { issueServerCertificate, newSerialHex, type ValidationLevel } from "../../api/src/pki/issue";
import { lintCertificateInFull } from "../../api/src/pki/lint/certificate-lint";
import { isPlainSubscriberTbs } from "../../api/src/pki/lint/plain-subscriber-tbs";
import type { SubscriberProfile } from "../../api/src/pki/lint";
import { encodeName, type NameInput } from "../../api/src/pki/names";
import { signatureAlgorithmIdentifier } from "../../api/src/pki/signer";
import { makeTestCa, URLS, type TestCa } from "../support/pki-fixtures";
import { TempDir } from "../support/openssl";

/**
 * Issue 11 / 15.6: the certificate linter's in-place path (plain-subscriber-tbs.ts) is an accelerator
 * of the full walk, not a second set of rules. Whenever it calls a TBS clean, the full walk
 * (@peculiar/asn1-x509, re-encoded to prove DER) finds nothing in it, no warning either; and every
 * certificate this CA writes takes it. A failure prints fast-check's seed; `PKI_PROPERTY_SEED` replays it.
 */

const PARAMS = process.env.PKI_PROPERTY_SEED ? { seed: Number(process.env.PKI_PROPERTY_SEED) } : {};
const DAY = 86_400_000;
const dir = new TempDir();
afterAll(() => dir.remove());

const spkiOf = (pair: { publicKey: { export(o: { type: "spki"; format: "der" }): Buffer } }) =>
  pair.publicKey.export({ type: "spki", format: "der" });
const KEYS = {
  p256: spkiOf(generateKeyPairSync("ec", { namedCurve: "prime256v1" })),
  p384: spkiOf(generateKeyPairSync("ec", { namedCurve: "secp384r1" })),
  rsa: spkiOf(generateKeyPairSync("rsa", { modulusLength: 2048 })),
  rsa3072: spkiOf(generateKeyPairSync("rsa", { modulusLength: 3072 })),
  rsaSmall: spkiOf(generateKeyPairSync("rsa", { modulusLength: 1024 })),
  p521: spkiOf(generateKeyPairSync("ec", { namedCurve: "secp521r1" })),
};
type KeyName = keyof typeof KEYS;

let cas: TestCa[];
beforeAll(async () => {
  cas = [await makeTestCa(dir, "ECDSA_P256"), await makeTestCa(dir, "RSA_2048"), await makeTestCa(dir, "ECDSA_P384")];
});

function profileFor(ca: TestCa, names: string[], level: ValidationLevel): SubscriberProfile {
  const issuer = issuerContext(ca.issuing.certDer);
  return {
    kind: "subscriber",
    issuer: { subjectName: issuer.subjectName, spki: issuer.spki, keyId: issuer.keyId },
    names,
    validationLevel: level,
  };
}

/** Both paths on one TBS: the fast path's verdict and whether the full walk is clean. */
function verdicts(tbs: Buffer, profile: SubscriberProfile, outer: Buffer) {
  const full = lintCertificateInFull(tbs, profile, outer);
  return {
    plain: isPlainSubscriberTbs(tbs, profile, outer),
    fullClean: full.errors.length === 0 && full.warnings.length === 0,
    full,
  };
}

const BASE = "akashi-demo.jp";
const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/).filter((s) => !/^..--/.test(s));
const names = fc.uniqueArray(
  fc.tuple(label, fc.boolean()).map(([l, wild]) => (wild ? `*.${l}.${BASE}` : `${l}.${BASE}`)),
  { minLength: 1, maxLength: 4 },
);

test("issue 11: every certificate the CA issues, whatever its key, level and names, takes the in-place path, and the full walk finds nothing in it", async () => {
  const subjects: Record<ValidationLevel, Omit<NameInput, "commonName">> = {
    DV: {},
    OV: { organization: "株式会社あかし", locality: "Minato-ku", stateOrProvince: "Tokyo", country: "JP" },
    EV: {
      organization: "Akashi K.K.",
      locality: "千代田区",
      country: "JP",
      businessCategory: "Private Organization",
      jurisdictionCountry: "JP",
      serialNumber: "0100-01-123456",
    },
  };
  await fc.assert(
    fc.asyncProperty(
      names,
      fc.constantFrom<ValidationLevel>("DV", "OV", "EV"),
      fc.constantFrom<KeyName>("p256", "p384", "rsa", "rsa3072"),
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 1, max: 90 }),
      async (sanNames, level, keyName, caIndex, days) => {
        const ca = cas[caIndex];
        const notBefore = new Date(Date.now() - 60_000);
        const cert = await issueServerCertificate({
          issuer: ca.issuing,
          subjectPublicKeySpki: KEYS[keyName],
          serialHex: newSerialHex(),
          names: sanNames,
          subject: { commonName: sanNames[0], ...subjects[level] },
          validationLevel: level,
          notBefore,
          notAfter: new Date(notBefore.getTime() + days * DAY),
          urls: URLS,
        });
        const parts = readCertificateParts(cert.der);
        const v = verdicts(parts.tbs, profileFor(ca, sanNames, level), parts.signatureAlgorithm);
        expect(v.full).toEqual({ errors: [], warnings: [] });
        expect(v.plain).toBe(true);
      },
    ),
    { numRuns: 60, ...PARAMS },
  );
});

/** One choice per part of a TBS: the CA's own encoding, or a way the profile or DER can be broken. */
const variant = fc.record({
  caIndex: fc.integer({ min: 0, max: 2 }),
  key: fc.constantFrom<KeyName>("p256", "p384", "rsa", "rsa", "rsaSmall", "p521"),
  level: fc.constantFrom<ValidationLevel>("DV", "OV", "EV"),
  subject: fc.constantFrom(
    "cn",
    "cn",
    "empty",
    "org",
    "org-no-locality",
    "two-cn",
    "cn-not-in-san",
    "printable-cn",
    "other-attribute",
    "huge-arc-attribute",
  ),
  san: fc.constantFrom("same", "same", "same", "missing-one", "extra", "twice", "upper", "bad-label", "critical-flip"),
  serial: fc.constantFrom("random", "random", "short", "21-octets", "negative", "padded"),
  days: fc.constantFrom(90, 90, 200, 398, 399, -1),
  times: fc.constantFrom("now", "now", "2049-2050", "generalized-2049", "pre-1950"),
  maxDays: fc.constantFrom("table", "table", 30, 398),
  // Profile options, not breaks: a product with clientAuth, and a caller that demotes one lint to a warning.
  clientAuth: fc.boolean(),
  ignored: fc.constantFrom("none", "none", "validity"),
  version: fc.constantFrom("v3", "v3", "v3", "v1", "v2"),
  signature: fc.constantFrom("issuer", "issuer", "issuer", "other", "outer-other"),
  ext: fc.record({
    bc: fc.constantFrom("ok", "ok", "ok", "ca", "not-critical", "missing", "path-len", "false-written"),
    ku: fc.constantFrom("ok", "ok", "ok", "cert-sign", "not-critical", "missing", "other-key-type"),
    eku: fc.constantFrom("ok", "ok", "ok", "client-too", "missing", "critical", "twice", "false-written"),
    ski: fc.constantFrom("ok", "ok", "ok", "missing", "other-key", "critical"),
    aki: fc.constantFrom("ok", "ok", "ok", "missing", "other-id", "critical"),
    cp: fc.constantFrom("ok", "ok", "ok", "ov", "any", "missing", "two", "qualifier"),
    cdp: fc.constantFrom("ok", "ok", "ok", "https", "ftp", "missing", "two"),
    aia: fc.constantFrom("ok", "ok", "ok", "https", "no-ca-issuers", "no-ocsp", "missing"),
    extra: fc.constantFrom("none", "none", "none", "unknown", "duplicate-ski"),
  }),
  order: fc.constantFrom("ca", "ca", "reversed"),
});
type Variant = typeof variant extends fc.Arbitrary<infer T> ? T : never;

/** What each part is when it is not broken: the CA's own encoding (any CA, key, level and order). */
const UNBROKEN = {
  subject: "cn",
  san: "same",
  serial: "random",
  days: 90,
  times: "now",
  maxDays: "table",
  version: "v3",
  signature: "issuer",
  bc: "ok",
  ku: "ok",
  eku: "ok",
  ski: "ok",
  aki: "ok",
  cp: "ok",
  cdp: "ok",
  aia: "ok",
  extra: "none",
} as const;
type Part = keyof typeof UNBROKEN | "key";
const PARTS = [...Object.keys(UNBROKEN), "key"] as Part[];

/** A variant broken in at most the given parts (none, one or a few), so clean TBSs are common too. */
function brokenIn(v: Variant, parts: readonly Part[]): Variant {
  const keep = (part: Part) => parts.includes(part);
  const out = { ...v, ext: { ...v.ext } };
  if (!keep("key") && (v.key === "rsaSmall" || v.key === "p521")) out.key = "p256";
  for (const part of Object.keys(UNBROKEN) as Array<keyof typeof UNBROKEN>) {
    if (keep(part)) continue;
    if (part in out.ext) (out.ext as Record<string, unknown>)[part] = UNBROKEN[part];
    else (out as Record<string, unknown>)[part] = UNBROKEN[part];
  }
  return out;
}

function serialOf(kind: Variant["serial"]): Buffer {
  const random = Buffer.from(newSerialHex(), "hex");
  if (kind === "short") return integerFromContent(Buffer.from("0102030405", "hex"));
  if (kind === "21-octets") return integerFromContent(Buffer.alloc(21, 0x11));
  if (kind === "negative") return integerFromContent(Buffer.concat([Buffer.from([0xff]), random]));
  if (kind === "padded") return integerFromContent(Buffer.concat([Buffer.from([0, 0x12]), random]));
  return integerFromContent(random);
}

/** The RDNs of a DER Name, each as its own bytes. */
const rdnsOf = (name: Buffer): Buffer[] => childrenOf(readWhole(name)).map((rdn) => rdn.raw);

function subjectOf(v: Variant, approved: string[]): Buffer {
  const identity = { organization: "Akashi K.K.", locality: "Minato-ku", country: "JP" };
  const base = v.level === "DV" ? {} : identity;
  switch (v.subject) {
    case "empty":
      return sequence();
    case "org":
      return encodeName({ commonName: approved[0], ...identity });
    case "org-no-locality":
      return encodeName({ commonName: approved[0], organization: "Akashi K.K.", country: "JP" });
    case "two-cn":
      return sequence(
        ...rdnsOf(encodeName({ commonName: approved[0] })),
        ...rdnsOf(encodeName({ commonName: approved[0] })),
      );
    case "cn-not-in-san":
      return encodeName({ commonName: `other.${BASE}`, ...base });
    case "other-attribute": // givenName: allowed, but not a type this CA writes
      return sequence(
        ...rdnsOf(encodeName({ commonName: approved[0], ...base })),
        set(sequence(oid("2.5.4.42"), utf8String("Akashi"))),
      );
    case "huge-arc-attribute": // an arc past 2^53, which the full walk's decoder cannot carry exactly
      return sequence(
        ...rdnsOf(encodeName({ commonName: approved[0], ...base })),
        set(sequence(tlv(0x06, Buffer.from("2a8480808080808001", "hex")), utf8String("x"))),
      );
    case "printable-cn":
      return sequence(
        set(sequence(oid("2.5.4.3"), printableString(approved[0].replace("*", "x")))),
        ...(v.level === "DV" ? [] : rdnsOf(encodeName(base))),
      );
    default:
      return encodeName({ commonName: approved[0], ...base });
  }
}

function sanOf(kind: Variant["san"], approved: string[], subjectEmpty: boolean): Buffer {
  const critical = subjectEmpty !== (kind === "critical-flip");
  const listed =
    kind === "missing-one" && approved.length > 1
      ? approved.slice(1)
      : kind === "extra"
        ? [...approved, `extra.${BASE}`]
        : kind === "twice"
          ? [...approved, approved[0]]
          : kind === "upper"
            ? approved.map((n) => n.toUpperCase())
            : kind === "bad-label"
              ? [...approved.slice(1), `-bad.${BASE}`]
              : approved;
  return subjectAltNameDns(listed, critical);
}

/** The TBS for a variant, assembled the way the CA's writer does it and then broken where the variant says. */
function tbsFor(v: Variant, approved: string[], issuerName?: Buffer) {
  const ca = cas[v.caIndex];
  const issuer = issuerContext(ca.issuing.certDer);
  const spki = KEYS[v.key];
  const rsaKey = v.key.startsWith("rsa");
  const subject = subjectOf(v, approved);
  const policy = { DV: OID.policyDV, OV: OID.policyOV, EV: OID.policyEV }[v.level];
  const e = v.ext;
  const exts: Buffer[] = [];
  const add = (kind: string, ok: () => Buffer, variants: Record<string, () => Buffer>) => {
    if (kind === "missing") return;
    exts.push(kind === "ok" ? ok() : variants[kind]());
  };
  add(e.bc, () => basicConstraints(false), {
    ca: () => basicConstraints(true),
    "not-critical": () => extension(OID.basicConstraints, false, sequence()),
    "path-len": () => extension(OID.basicConstraints, true, sequence(integer(0))),
    "false-written": () => extension(OID.basicConstraints, true, sequence(boolean(false))),
  });
  const usage = rsaKey ? (["digitalSignature", "keyEncipherment"] as const) : (["digitalSignature"] as const);
  add(e.ku, () => keyUsage([...usage]), {
    "cert-sign": () => keyUsage([...usage, "keyCertSign"]),
    "not-critical": () => extension(OID.keyUsage, false, Buffer.from(rsaKey ? "030205a0" : "03020780", "hex")),
    "other-key-type": () => keyUsage(rsaKey ? ["digitalSignature"] : ["digitalSignature", "keyEncipherment"]),
  });
  add(e.eku, () => extKeyUsage([OID.serverAuth]), {
    "client-too": () => extKeyUsage([OID.serverAuth, "1.3.6.1.5.5.7.3.2"]),
    critical: () => extension(OID.extKeyUsage, true, sequence(oid(OID.serverAuth))),
    twice: () => extKeyUsage([OID.serverAuth, OID.serverAuth]),
    "false-written": () => sequence(oid(OID.extKeyUsage), boolean(false), octetString(sequence(oid(OID.serverAuth)))),
  });
  add(e.ski, () => subjectKeyIdentifier(keyIdentifierFor(spki)), {
    "other-key": () => subjectKeyIdentifier(keyIdentifierFor(KEYS.p384 === spki ? KEYS.p256 : KEYS.p384)),
    critical: () => extension(OID.subjectKeyIdentifier, true, octetString(keyIdentifierFor(spki))),
  });
  add(e.aki, () => authorityKeyIdentifier(issuer.keyId), {
    "other-id": () => authorityKeyIdentifier(Buffer.alloc(20, 7)),
    critical: () => extension(OID.authorityKeyIdentifier, true, sequence(implicitPrimitive(0, issuer.keyId))),
  });
  exts.push(sanOf(v.san, approved, subject.equals(sequence())));
  add(e.cp, () => certificatePolicies([policy]), {
    ov: () => certificatePolicies([v.level === "OV" ? OID.policyDV : OID.policyOV]),
    any: () => certificatePolicies([policy, OID.anyPolicy]),
    two: () => certificatePolicies([policy, policy]),
    qualifier: () =>
      extension(
        OID.certificatePolicies,
        false,
        sequence(sequence(oid(policy), sequence(sequence(oid("1.3.6.1.5.5.7.2.1"), Buffer.from([0x16, 1, 0x78]))))),
      ),
  });
  add(e.cdp, () => crlDistributionPoints([URLS.crlUrl]), {
    https: () => crlDistributionPoints([URLS.crlUrl.replace("http:", "https:")]),
    ftp: () => crlDistributionPoints([URLS.crlUrl.replace("http:", "ftp:")]),
    two: () => crlDistributionPoints([URLS.crlUrl, URLS.crlUrl.replace("1.crl", "2.crl")]),
  });
  add(e.aia, () => authorityInfoAccess({ ocsp: [URLS.ocspUrl], caIssuers: [URLS.caIssuersUrl] }), {
    https: () =>
      authorityInfoAccess({ ocsp: [URLS.ocspUrl.replace("http:", "https:")], caIssuers: [URLS.caIssuersUrl] }),
    "no-ca-issuers": () => authorityInfoAccess({ ocsp: [URLS.ocspUrl] }),
    "no-ocsp": () => authorityInfoAccess({ caIssuers: [URLS.caIssuersUrl] }),
  });
  if (e.extra === "unknown") exts.push(extension("1.3.6.1.4.1.99999.1", false, sequence()));
  if (e.extra === "duplicate-ski") exts.push(subjectKeyIdentifier(keyIdentifierFor(spki)));
  if (v.order === "reversed") exts.reverse();

  const start = {
    now: Math.floor(Date.now() / 1000) * 1000 - 60_000,
    "2049-2050": Date.UTC(2049, 11, 1),
    "generalized-2049": Date.UTC(2049, 5, 1),
    "pre-1950": Date.UTC(1949, 11, 31),
  }[v.times];
  const notBefore = new Date(start);
  const notAfter = new Date(start + v.days * DAY);
  // The CA writes UTCTime for 1950–2049; these two write GeneralizedTime where the profile asks UTCTime.
  const firstTime = v.times === "now" || v.times === "2049-2050" ? x509Time(notBefore) : generalizedTime(notBefore);
  const own = signatureAlgorithmIdentifier(ca.issuing.signer.keyAlgorithm);
  const other = signatureAlgorithmIdentifier(
    ca.issuing.signer.keyAlgorithm === "ECDSA_P384" ? "ECDSA_P256" : "ECDSA_P384",
  );
  const inner = v.signature === "other" ? other : own;
  const outer = v.signature === "issuer" ? own : other;
  const tbs = sequence(
    ...(v.version === "v1" ? [] : [explicit(0, integer(v.version === "v2" ? 1 : 2))]),
    serialOf(v.serial),
    inner,
    issuerName ?? issuer.subjectName,
    sequence(firstTime, x509Time(notAfter)),
    subject,
    spki,
    explicit(3, sequence(...exts)),
  );
  const profile: SubscriberProfile = {
    ...profileFor(ca, approved, v.level),
    ...(issuerName && { issuer: { ...profileFor(ca, approved, v.level).issuer, subjectName: issuerName } }),
    // Times far from now test their encoding, not the VAL-7 table of their year: BR's 398 days.
    ...(typeof v.maxDays === "number" ? { maxValidityDays: v.maxDays } : v.times !== "now" && { maxValidityDays: 398 }),
    clientAuth: v.clientAuth,
    ...(v.ignored === "validity" && { ignoredLints: ["e_validity_too_long"] }),
  };
  return { tbs, outer, profile };
}

test("issue 11: over TBSs broken one way or several (key, subject, SAN, serial, validity, version, signature, each extension), the in-place path calls clean exactly what the full walk finds clean", () => {
  let clean = 0;
  let refused = 0;
  fc.assert(
    fc.property(names, variant, fc.shuffledSubarray(PARTS, { maxLength: 3 }), (approved, generated, parts) => {
      const v = brokenIn(generated, parts);
      const { tbs, outer, profile } = tbsFor(v, approved);
      const r = verdicts(tbs, profile, outer);
      if (r.plain && !r.fullClean)
        throw new Error(`in-place path passed what the full walk refuses: ${JSON.stringify(r.full)}`);
      // The converse holds for every TBS of the CA's own shape: no clean certificate is sent the long way.
      // A policy qualifier is allowed (the full walk passes it) but never written here: it is read the long way.
      // So are a subject attribute of another type and clientAuth with a product that allows it.
      const otherShape =
        v.ext.cp === "qualifier" || v.subject === "other-attribute" || (v.ext.eku === "client-too" && v.clientAuth);
      expect(r.plain).toBe(r.fullClean && !otherShape);
      if (r.fullClean) clean++;
      else refused++;
    }),
    { numRuns: 1500, ...PARAMS },
  );
  // Both outcomes were really exercised (a generator that only broke, or never broke, proves nothing).
  expect(clean).toBeGreaterThan(150);
  expect(refused).toBeGreaterThan(600);
});

test("issue 11: the issuer name is compared byte for byte only when the CA's own name is DER to the full walk's decoder", () => {
  const clean = (parts: readonly Part[] = []) =>
    brokenIn(
      { ...fc.sample(variant, { numRuns: 1, seed: 1 })[0], caIndex: 0, key: "p256", level: "DV", order: "ca" },
      parts,
    );
  const approved = [`shop.${BASE}`];
  const ok = tbsFor(clean(), approved);
  expect(verdicts(ok.tbs, ok.profile, ok.outer)).toMatchObject({ plain: true, fullClean: true });
  // A CA whose subject has an arc past 2^53 (say, a CA certificate imported from elsewhere): the same bytes
  // in the TBS and the profile, but the full walk cannot re-encode them, so the in-place path must not pass them.
  const odd = sequence(set(sequence(tlv(0x06, Buffer.from("2a8480808080808001", "hex")), utf8String("CA"))));
  const r = tbsFor(clean(), approved, odd);
  expect(verdicts(r.tbs, r.profile, r.outer)).toMatchObject({ plain: false, fullClean: false });
});

test("issue 11: damaged bytes (tags, lengths, content) never make the in-place path pass what the full walk refuses", async () => {
  const approved = [`shop.${BASE}`, `*.shop.${BASE}`];
  const bases = await Promise.all(
    (
      [
        ["p256", 0, "DV"],
        ["rsa", 1, "OV"],
        ["p384", 2, "EV"],
      ] as const
    ).map(async ([key, caIndex, level]) => {
      const ca = cas[caIndex];
      const cert = await issueServerCertificate({
        issuer: ca.issuing,
        subjectPublicKeySpki: KEYS[key],
        serialHex: newSerialHex(),
        names: approved,
        subject: {
          commonName: approved[0],
          organization: "Akashi K.K.",
          locality: "Minato-ku",
          country: "JP",
          businessCategory: "Private Organization",
          jurisdictionCountry: "JP",
          serialNumber: "0100-01-123456",
        },
        validationLevel: level,
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 30 * DAY),
        urls: URLS,
      });
      const parts = readCertificateParts(cert.der);
      return { tbs: parts.tbs, outer: parts.signatureAlgorithm, profile: profileFor(ca, approved, level) };
    }),
  );
  let leftPath = 0;
  let found = 0;
  const runs = 4000;
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: bases.length - 1 }),
      fc.array(
        fc.record({
          at: fc.nat(),
          value: fc.oneof(
            fc.integer({ min: 0, max: 255 }),
            fc.constantFrom(
              0x00,
              0x01,
              0x02,
              0x03,
              0x04,
              0x05,
              0x06,
              0x0c,
              0x13,
              0x16,
              0x17,
              0x18,
              0x30,
              0x31,
              0x80,
              0x81,
              0x82,
              0x86,
              0xa0,
              0xa3,
              0xff,
            ),
            fc.integer({ min: 0x30, max: 0x39 }),
          ),
          nudge: fc.constantFrom(0, 0, 1, -1),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      (which, damage) => {
        const base = bases[which];
        const tbs = Buffer.from(base.tbs);
        for (const d of damage) {
          const at = d.at % tbs.length;
          tbs[at] = d.nudge === 0 ? d.value : (tbs[at] + d.nudge) & 0xff;
        }
        if (tbs.equals(base.tbs)) return;
        const r = verdicts(tbs, base.profile, base.outer);
        if (r.plain && !r.fullClean)
          throw new Error(`in-place path passed a damaged TBS the full walk refuses: ${JSON.stringify(r.full)}`);
        if (!r.plain) leftPath++;
        if (!r.fullClean) found++;
      },
    ),
    { numRuns: runs, ...PARAMS },
  );
  // The damage was real: most TBSs left the in-place path, and most of those got a finding.
  expect(leftPath).toBeGreaterThan(runs * 0.6);
  expect(found).toBeGreaterThan(leftPath * 0.6);
});
