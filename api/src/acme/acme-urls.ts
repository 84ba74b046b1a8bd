import { isUuid } from "../ids";

/** ACME-8: every URL the ACME server hands out, built from PUBLIC_BASE_URL (never from the Host header). */
export class AcmeUrls {
  readonly base: string;

  constructor(publicBaseUrl: string) {
    this.base = `${publicBaseUrl}/acme`;
  }

  directory = (): string => `${this.base}/directory`;
  newNonce = (): string => `${this.base}/new-nonce`;
  newAccount = (): string => `${this.base}/new-account`;
  newOrder = (): string => `${this.base}/new-order`;
  revokeCert = (): string => `${this.base}/revoke-cert`;
  keyChange = (): string => `${this.base}/key-change`;
  renewalInfo = (): string => `${this.base}/renewal-info`;
  terms = (): string => `${this.base}/terms`;
  account = (id: string): string => `${this.base}/acct/${id}`;
  accountOrders = (id: string): string => `${this.base}/acct/${id}/orders`;
  order = (id: string): string => `${this.base}/order/${id}`;
  finalize = (id: string): string => `${this.base}/order/${id}/finalize`;
  authz = (id: string): string => `${this.base}/authz/${id}`;
  challenge = (authzId: string, type: string): string => `${this.base}/chall/${authzId}/${type}`;
  certificate = (id: string): string => `${this.base}/cert/${id}`;

  /** The account id a `kid` names, or null when it is not one of our account URLs. */
  accountIdOf(kid: unknown): string | null {
    if (typeof kid !== "string" || !kid.startsWith(`${this.base}/acct/`)) return null;
    const id = kid.slice(`${this.base}/acct/`.length);
    return isUuid(id) ? id : null;
  }
}
