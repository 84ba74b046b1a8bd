/**
 * ACME-8, RFC 8555 §6.2, RFC 7515/7517/7638: flattened JWS verification with node:crypto. Strict like
 * Pebble: flattened JSON serialisation only, no unprotected header, exactly one of `jwk`/`kid`, an
 * allowed algorithm that matches the key, no private key material, RSA ≥ 2048 bits.
 */
import {
  type JsonWebKey,
  type KeyObject,
  createHash,
  createHmac,
  createPublicKey,
  timingSafeEqual,
  verify,
} from "node:crypto";
import { AcmeProblem } from "./problems";

/** Account-key algorithms accepted (RFC 8555 §6.2: at least ES256 and RS256; EdDSA for modern clients). */
const JWS_ALGORITHMS = ["RS256", "ES256", "ES384", "EdDSA"] as const;
const EAB_ALGORITHMS: Record<string, string> = { HS256: "sha256", HS384: "sha384", HS512: "sha512" };

interface FlattenedJws {
  protected: string;
  payload: string;
  signature: string;
}

export interface ParsedJws {
  jws: FlattenedJws;
  header: { alg: string; nonce?: unknown; url?: unknown; jwk?: unknown; kid?: unknown; [k: string]: unknown };
  payload: Buffer;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

function decodeJson(part: string, what: string): Record<string, unknown> {
  if (!B64URL.test(part)) throw new AcmeProblem("malformed", `the JWS ${what} is not base64url`);
  try {
    const v: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
    return v as Record<string, unknown>;
  } catch {
    throw new AcmeProblem("malformed", `the JWS ${what} is not a JSON object`);
  }
}

/** Parses the request body as a flattened JWS (RFC 7515 §7.2.2) without verifying it. */
export function parseJws(body: unknown): ParsedJws {
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw new AcmeProblem("malformed", "the request body is not a JWS object");
  const b = body as Record<string, unknown>;
  if ("signatures" in b)
    throw new AcmeProblem("malformed", "JWS general serialisation is not allowed; use the flattened form");
  if ("header" in b) throw new AcmeProblem("malformed", "JWS unprotected headers are not allowed");
  const extra = Object.keys(b).filter((k) => !["protected", "payload", "signature"].includes(k));
  if (extra.length) throw new AcmeProblem("malformed", `unexpected JWS members: ${extra.join(", ")}`);
  if (typeof b.protected !== "string" || typeof b.payload !== "string" || typeof b.signature !== "string") {
    throw new AcmeProblem("malformed", "a JWS needs protected, payload and signature strings");
  }
  if (!B64URL.test(b.payload) || !B64URL.test(b.signature))
    throw new AcmeProblem("malformed", "the JWS payload or signature is not base64url");
  const header = decodeJson(b.protected, "protected header");
  if (typeof header.alg !== "string") throw new AcmeProblem("malformed", "the JWS protected header has no alg");
  if ("b64" in header || "crit" in header)
    throw new AcmeProblem("malformed", "the JWS crit/b64 header parameters are not supported");
  const jws = { protected: b.protected, payload: b.payload, signature: b.signature };
  return { jws, header: header as ParsedJws["header"], payload: Buffer.from(b.payload, "base64url") };
}

/** Imports a public JWK; refuses private members and weak or unsupported keys (badPublicKey). */
export function importPublicJwk(jwk: unknown): KeyObject {
  if (jwk === null || typeof jwk !== "object" || Array.isArray(jwk))
    throw new AcmeProblem("malformed", "jwk is not a JSON object");
  const j = jwk as JsonWebKey;
  if ("d" in j || "p" in j || "k" in j)
    throw new AcmeProblem("badPublicKey", "the jwk carries private or symmetric key material");
  let key: KeyObject;
  try {
    key = createPublicKey({ key: j, format: "jwk" });
  } catch {
    throw new AcmeProblem("badPublicKey", "the jwk is not a valid public key");
  }
  const d = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === "rsa" && (d.modulusLength ?? 0) < 2048)
    throw new AcmeProblem("badPublicKey", "RSA account keys must have at least 2048 bits");
  if (key.asymmetricKeyType === "ec" && !["prime256v1", "secp384r1"].includes(d.namedCurve ?? "")) {
    throw new AcmeProblem("badPublicKey", "EC account keys must be P-256 or P-384");
  }
  if (!["rsa", "ec", "ed25519"].includes(key.asymmetricKeyType ?? ""))
    throw new AcmeProblem("badPublicKey", "account keys must be RSA, EC or Ed25519");
  return key;
}

function algorithmMatches(alg: string, key: KeyObject): boolean {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  switch (alg) {
    case "RS256":
      return key.asymmetricKeyType === "rsa";
    case "ES256":
      return key.asymmetricKeyType === "ec" && curve === "prime256v1";
    case "ES384":
      return key.asymmetricKeyType === "ec" && curve === "secp384r1";
    case "EdDSA":
      return key.asymmetricKeyType === "ed25519";
    default:
      return false;
  }
}

function badAlgorithm(detail: string): AcmeProblem {
  return new AcmeProblem("badSignatureAlgorithm", detail, { algorithms: [...JWS_ALGORITHMS] });
}

/** Verifies the JWS signature with `key`; throws badSignatureAlgorithm or malformed (bad signature). */
export function verifyJws(parsed: ParsedJws, key: KeyObject): void {
  const alg = parsed.header.alg;
  if (!(JWS_ALGORITHMS as readonly string[]).includes(alg)) badAlgorithmThrow(`JWS algorithm ${alg} is not accepted`);
  if (!algorithmMatches(alg, key)) badAlgorithmThrow(`JWS algorithm ${alg} does not match the key`);
  const input = Buffer.from(`${parsed.jws.protected}.${parsed.jws.payload}`, "ascii");
  const signature = Buffer.from(parsed.jws.signature, "base64url");
  let ok: boolean;
  try {
    if (alg === "RS256") ok = verify("sha256", input, key, signature);
    else if (alg === "EdDSA") ok = verify(null, input, key, signature);
    else ok = verify(alg === "ES256" ? "sha256" : "sha384", input, { key, dsaEncoding: "ieee-p1363" }, signature);
  } catch {
    ok = false;
  }
  if (!ok) throw new AcmeProblem("malformed", "JWS signature verification failed");
}

function badAlgorithmThrow(detail: string): never {
  throw badAlgorithm(detail);
}

/** RFC 7638: the SHA-256 thumbprint of a public key, base64url. */
export function jwkThumbprint(key: KeyObject): string {
  const j = key.export({ format: "jwk" });
  const members: Record<string, unknown> =
    j.kty === "RSA"
      ? { e: j.e, kty: j.kty, n: j.n }
      : j.kty === "EC"
        ? { crv: j.crv, kty: j.kty, x: j.x, y: j.y }
        : { crv: j.crv, kty: j.kty, x: j.x };
  return createHash("sha256").update(JSON.stringify(members)).digest("base64url");
}

/** The public JWK as stored (only the public members). */
export function publicJwk(key: KeyObject): JsonWebKey {
  const j = key.export({ format: "jwk" });
  return j.kty === "RSA"
    ? { kty: j.kty, n: j.n, e: j.e }
    : j.kty === "EC"
      ? { kty: j.kty, crv: j.crv, x: j.x, y: j.y }
      : { kty: j.kty, crv: j.crv, x: j.x };
}

/**
 * ACME-3, RFC 8555 §7.3.4: the externalAccountBinding JWS. Returns its key id after checking the
 * structure (HS256/384/512, kid, no nonce, url equal to the outer url); `verifyEabMac` then checks the MAC.
 */
export function parseEab(eab: unknown, outerUrl: string): { parsed: ParsedJws; keyId: string; hash: string } {
  const parsed = parseJws(eab);
  const hash = EAB_ALGORITHMS[parsed.header.alg];
  if (!hash) throw new AcmeProblem("malformed", "externalAccountBinding must be signed with HS256, HS384 or HS512");
  if ("nonce" in parsed.header)
    throw new AcmeProblem("malformed", "the 'nonce' field must be absent in externalAccountBinding");
  if (typeof parsed.header.kid !== "string" || parsed.header.kid === "")
    throw new AcmeProblem("malformed", "externalAccountBinding needs a 'kid'");
  if (parsed.header.url !== outerUrl)
    throw new AcmeProblem("malformed", "the 'url' of externalAccountBinding differs from the outer JWS");
  if ("jwk" in parsed.header) throw new AcmeProblem("malformed", "externalAccountBinding must not carry a jwk header");
  return { parsed, keyId: parsed.header.kid, hash };
}

export function verifyEabMac(eab: { parsed: ParsedJws; hash: string }, hmacKey: Buffer): boolean {
  const mac = createHmac(eab.hash, hmacKey).update(`${eab.parsed.jws.protected}.${eab.parsed.jws.payload}`).digest();
  const given = Buffer.from(eab.parsed.jws.signature, "base64url");
  return given.length === mac.length && timingSafeEqual(given, mac);
}
