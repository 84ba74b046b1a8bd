/**
 * Keys the ACME server derives from the service secret (the CA passphrase every replica shares), so
 * that nonces and EAB keys work on any replica and nothing secret is stored in the database.
 */
import { createHmac, hkdfSync } from "node:crypto";

export class AcmeSecrets {
  readonly nonceKey: Buffer;
  private readonly eabKey: Buffer;

  constructor(serviceSecret: string) {
    const derive = (info: string) => Buffer.from(hkdfSync("sha256", serviceSecret, "akashi-acme", info, 32));
    this.nonceKey = derive("nonce v1");
    this.eabKey = derive("eab v1");
  }

  /** ACME-3: the HMAC key of an EAB credential, derived from its key id: shown once, never stored. */
  eabHmacKey(keyId: string): Buffer {
    return createHmac("sha256", this.eabKey).update(keyId).digest();
  }
}
