import { explicit, integer, integerFromContent, sequence, x509Time } from "./der";
import { assertCertificateLints, type CertificateProfile, type LintResult } from "./lint";
import { canonicalSerialHex } from "./serial";
import { signatureAlgorithmIdentifier, signToBeSigned, type Signer } from "./signer";

export interface CertificateFields {
  signer: Signer;
  /** DER Name copied byte for byte from the issuer certificate's subject (or the subject itself for a root). */
  issuerName: Buffer;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  subjectName: Buffer;
  /** DER SubjectPublicKeyInfo copied as given. */
  subjectPublicKeySpki: Buffer;
  /** DER Extension elements. */
  extensions: Buffer[];
  /** What the pre-signing linter checks the TBS against (issue 15.6). */
  profile: CertificateProfile;
}

/**
 * Assembles a v3 TBSCertificate (RFC 5280 4.1) and signs it through the Signer. Returns the certificate DER.
 * The one place certificates are signed: the linter reads the TBS back first and throws LintError
 * (the signer never called) when it breaks the profile.
 */
export async function buildCertificate(
  f: CertificateFields,
): Promise<{ der: Buffer; serialHex: string; lint: LintResult }> {
  const serialHex = canonicalSerialHex(f.serialHex);
  if (!(f.notAfter.getTime() > f.notBefore.getTime())) throw new Error("notAfter must be after notBefore");
  const tbs = sequence(
    explicit(0, integer(2)),
    integerFromContent(Buffer.from(serialHex, "hex")),
    signatureAlgorithmIdentifier(f.signer.keyAlgorithm),
    f.issuerName,
    sequence(x509Time(f.notBefore), x509Time(f.notAfter)),
    f.subjectName,
    f.subjectPublicKeySpki,
    explicit(3, sequence(...f.extensions)),
  );
  const lint = assertCertificateLints(tbs, f.profile, signatureAlgorithmIdentifier(f.signer.keyAlgorithm));
  return { der: await signToBeSigned(f.signer, tbs), serialHex, lint };
}

/** Drops milliseconds: certificates, CRLs and OCSP carry whole seconds. */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
