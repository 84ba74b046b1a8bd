import { buildCertificate, wholeSeconds } from "./certificate-builder";
import { assertSignerMatches, issuerContext, readCertificateParts } from "./certificate-der";
import {
  authorityInfoAccess,
  authorityKeyIdentifier,
  basicConstraints,
  certificatePolicies,
  crlDistributionPoints,
  extKeyUsage,
  keyIdentifierFor,
  keyUsage,
  OID,
  subjectKeyIdentifier,
} from "./extensions";
import { generateSigner } from "./keys";
import { encodeName } from "./names";
import { newSerialHex } from "./serial";
import type { KeyAlgorithm, Signer } from "./signer";

export interface CaSubject {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  country?: string;
}

/** A CA certificate and its private key, encrypted (PKCS #8, AES-256-CBC) for storage. */
export interface CaMaterial {
  certDer: Buffer;
  encryptedKeyPem: string;
}

export interface CreateCaHierarchyInput {
  keyAlgorithm: KeyAlgorithm;
  passphrase: string;
  now: Date;
  rootSubject: CaSubject;
  issuingSubject: CaSubject;
  /** Default 20. */
  rootValidityYears?: number;
  /** Default 10, never past the root's notAfter. */
  issuingValidityYears?: number;
  /** Where the root publishes its CRL and its certificate; written into the issuing CA certificate. */
  issuingUrls?: { crlUrl?: string; caIssuersUrl?: string };
}

function addYears(date: Date, years: number): Date {
  if (!Number.isInteger(years) || years < 1 || years > 50)
    throw new Error(`CA validity must be 1–50 whole years, got ${years}`);
  const d = new Date(date.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

/** Self-signed root: CA:TRUE (critical, no path length), keyCertSign + cRLSign, SKI. */
async function createRootCa(input: {
  keyAlgorithm: KeyAlgorithm;
  passphrase: string;
  now: Date;
  subject: CaSubject;
  validityYears?: number;
}): Promise<CaMaterial & { signer: Signer }> {
  const { signer, encryptedKeyPem } = await generateSigner(input.keyAlgorithm, input.passphrase);
  const notBefore = wholeSeconds(input.now);
  const name = encodeName(input.subject);
  const { der } = await buildCertificate({
    signer,
    issuerName: name,
    serialHex: newSerialHex(),
    notBefore,
    notAfter: addYears(notBefore, input.validityYears ?? 20),
    subjectName: name,
    subjectPublicKeySpki: signer.publicKeySpki,
    extensions: [
      basicConstraints(true),
      keyUsage(["keyCertSign", "cRLSign"]),
      subjectKeyIdentifier(keyIdentifierFor(signer.publicKeySpki)),
    ],
    profile: {
      kind: "ca",
      selfSigned: true,
      issuer: { subjectName: name, spki: signer.publicKeySpki, keyId: keyIdentifierFor(signer.publicKeySpki) },
    },
  });
  return { certDer: der, encryptedKeyPem, signer };
}

/**
 * Issuing CA signed by `root`: CA:TRUE pathLen 0 (critical); digitalSignature (it signs OCSP responses
 * itself, BR 7.1.2.10.7), keyCertSign, cRLSign; EKU serverAuth only; anyPolicy (affiliated CA);
 * AKI = root SKI; SKI; the root's CRL DP and caIssuers when given.
 */
export async function createIssuingCa(input: {
  root: { certDer: Buffer; signer: Signer };
  keyAlgorithm: KeyAlgorithm;
  passphrase: string;
  now: Date;
  subject: CaSubject;
  validityYears?: number;
  urls?: { crlUrl?: string; caIssuersUrl?: string };
}): Promise<CaMaterial & { signer: Signer }> {
  const root = issuerContext(input.root.certDer);
  assertSignerMatches(root, input.root.signer.publicKeySpki);
  const rootNotAfter = readCertificateParts(input.root.certDer).notAfter;
  const { signer, encryptedKeyPem } = await generateSigner(input.keyAlgorithm, input.passphrase);
  const notBefore = wholeSeconds(input.now);
  let notAfter = addYears(notBefore, input.validityYears ?? 10);
  if (notAfter > rootNotAfter) notAfter = rootNotAfter;
  const extensions = [
    basicConstraints(true, 0),
    keyUsage(["digitalSignature", "keyCertSign", "cRLSign"]),
    extKeyUsage([OID.serverAuth]),
    certificatePolicies([OID.anyPolicy]),
    authorityKeyIdentifier(root.keyId),
    subjectKeyIdentifier(keyIdentifierFor(signer.publicKeySpki)),
  ];
  if (input.urls?.crlUrl) extensions.push(crlDistributionPoints([input.urls.crlUrl]));
  if (input.urls?.caIssuersUrl) extensions.push(authorityInfoAccess({ caIssuers: [input.urls.caIssuersUrl] }));
  const { der } = await buildCertificate({
    signer: input.root.signer,
    issuerName: root.subjectName,
    serialHex: newSerialHex(),
    notBefore,
    notAfter,
    subjectName: encodeName(input.subject),
    subjectPublicKeySpki: signer.publicKeySpki,
    extensions,
    profile: { kind: "ca", issuer: { subjectName: root.subjectName, spki: root.spki, keyId: root.keyId } },
  });
  return { certDer: der, encryptedKeyPem, signer };
}

/** Root + one issuing CA under it, both with keys of `keyAlgorithm` encrypted under `passphrase`. */
export async function createCaHierarchy(
  input: CreateCaHierarchyInput,
): Promise<{ root: CaMaterial; issuing: CaMaterial }> {
  const root = await createRootCa({
    keyAlgorithm: input.keyAlgorithm,
    passphrase: input.passphrase,
    now: input.now,
    subject: input.rootSubject,
    ...(input.rootValidityYears !== undefined && { validityYears: input.rootValidityYears }),
  });
  const issuing = await createIssuingCa({
    root: { certDer: root.certDer, signer: root.signer },
    keyAlgorithm: input.keyAlgorithm,
    passphrase: input.passphrase,
    now: input.now,
    subject: input.issuingSubject,
    ...(input.issuingValidityYears !== undefined && { validityYears: input.issuingValidityYears }),
    ...(input.issuingUrls && { urls: input.issuingUrls }),
  });
  return {
    root: { certDer: root.certDer, encryptedKeyPem: root.encryptedKeyPem },
    issuing: { certDer: issuing.certDer, encryptedKeyPem: issuing.encryptedKeyPem },
  };
}
