import { createCaHierarchy } from "../../api/src/pki/ca";
import { loadSigner } from "../../api/src/pki/keys";
import { toPem } from "../../api/src/pki/pem";
import type { KeyAlgorithm, Signer } from "../../api/src/pki/signer";
import type { TempDir } from "./openssl";

const PASSPHRASE = "correct horse battery staple";
export const URLS = {
  crlUrl: "http://pki.akashi.test/crl/issuing-1.crl",
  ocspUrl: "http://pki.akashi.test/ocsp",
  caIssuersUrl: "http://pki.akashi.test/ca/issuing-1.der",
};

export interface TestCa {
  root: { certDer: Buffer; signer: Signer };
  issuing: { certDer: Buffer; signer: Signer };
  rootPath: string;
  issuingPath: string;
  chainPath: string;
}

/** A fresh hierarchy with PEM files for openssl in `dir`. */
export async function makeTestCa(
  dir: TempDir,
  keyAlgorithm: KeyAlgorithm = "ECDSA_P256",
  now = new Date(),
): Promise<TestCa> {
  const h = await createCaHierarchy({
    keyAlgorithm,
    passphrase: PASSPHRASE,
    now: new Date(now.getTime() - 3600_000),
    rootSubject: { commonName: "Akashi Test Root CA", organization: "Akashi Test", country: "JP" },
    issuingSubject: { commonName: "Akashi Test Issuing CA 1", organization: "Akashi Test", country: "JP" },
    issuingUrls: { crlUrl: "http://pki.akashi.test/crl/root.crl", caIssuersUrl: "http://pki.akashi.test/ca/root.der" },
  });
  const rootPem = toPem(h.root.certDer, "CERTIFICATE");
  const issuingPem = toPem(h.issuing.certDer, "CERTIFICATE");
  return {
    root: { certDer: h.root.certDer, signer: loadSigner(h.root.encryptedKeyPem, PASSPHRASE) },
    issuing: { certDer: h.issuing.certDer, signer: loadSigner(h.issuing.encryptedKeyPem, PASSPHRASE) },
    rootPath: dir.file(`root-${keyAlgorithm}.pem`, rootPem),
    issuingPath: dir.file(`issuing-${keyAlgorithm}.pem`, issuingPem),
    chainPath: dir.file(`chain-${keyAlgorithm}.pem`, issuingPem + rootPem),
  };
}
