/**
 * What every ACME handler shares: the URLs, nonces, the JWS authentication of a request (RFC 8555 §6.2,
 * §6.4, §6.5) and the one transaction a request runs in, which also consumes its nonce.
 */
import type { KeyObject } from "node:crypto";
import type { Request } from "express";
import { DataSource, EntityManager } from "typeorm";
import type { AcmeSettings } from "../settings/acme-settings";
import { AuditService } from "../audit";
import type { Actor } from "../auth";
import { inTransaction } from "../db/transaction";
import { Clock } from "../domain/clock";
import { EventPublisher } from "../events";
import { AcmeAccount, AcmeAccountStatus } from "./acme-account.entity";
import { AcmeSecrets } from "./acme-secrets";
import { AcmeUrls } from "./acme-urls";
import { type ParsedJws, importPublicJwk, parseJws, verifyJws } from "./jws";
import { Nonces } from "./nonces";
import { AcmeProblem } from "./problems";

export interface AcmeRequest {
  /** The URL this request was sent to, as the JWS must name it. */
  url: string;
  parsed: ParsedJws;
  /** RFC 8555 §6.3: an empty payload is a POST-as-GET. */
  postAsGet: boolean;
  /** The account that signed (kid), or null when signed with an embedded jwk. */
  account: AcmeAccount | null;
  key: KeyObject;
  nonce: string;
  requestId: string | null;
  /** Set once the request's transaction consumed the nonce. */
  nonceUsed: boolean;
}

export type SignedBy = "kid" | "jwk" | "either";

export class AcmeCore {
  readonly urls: AcmeUrls;
  readonly nonces: Nonces;
  readonly secrets: AcmeSecrets;

  constructor(
    readonly ds: DataSource,
    readonly clock: Clock,
    readonly settings: AcmeSettings,
    readonly audit: AuditService,
    readonly events: EventPublisher,
    publicBaseUrl: string,
    serviceSecret: string,
  ) {
    this.urls = new AcmeUrls(publicBaseUrl);
    this.secrets = new AcmeSecrets(serviceSecret);
    this.nonces = new Nonces(this.secrets.nonceKey, clock, settings.nonceLifetimeMinutes * 60_000);
    this.publicBaseUrl = publicBaseUrl;
  }

  private readonly publicBaseUrl: string;

  /** ACME-8: parse, check url and nonce, find the account (kid) or the key (jwk), verify the signature. */
  async authenticate(req: Request, signedBy: SignedBy): Promise<AcmeRequest> {
    const parsed = parseJws(req.body);
    const h = parsed.header;
    const hasJwk = "jwk" in h;
    const hasKid = "kid" in h;
    if (hasJwk === hasKid)
      throw new AcmeProblem("malformed", "the JWS protected header needs exactly one of jwk and kid");
    if (signedBy === "kid" && !hasKid)
      throw new AcmeProblem("malformed", "this request must be signed by an account (kid)");
    if (signedBy === "jwk" && !hasJwk)
      throw new AcmeProblem("malformed", "this request must carry the key itself (jwk)");
    const nonce = this.nonces.check(h.nonce);
    const url = this.publicBaseUrl + req.originalUrl;
    // RFC 8555 §6.4: the url in the protected header must be exactly the request's URL.
    if (h.url !== url) throw new AcmeProblem("unauthorized", `JWS header parameter 'url' incorrect: expected "${url}"`);
    let account: AcmeAccount | null = null;
    let key: KeyObject;
    if (hasKid) {
      account = await this.accountOf(h.kid);
      key = importPublicJwk(account.jwk);
    } else {
      key = importPublicJwk(h.jwk);
    }
    verifyJws(parsed, key);
    return {
      url,
      parsed,
      postAsGet: parsed.jws.payload === "",
      account,
      key,
      nonce,
      requestId: req.id ?? null,
      nonceUsed: false,
    };
  }

  private async accountOf(kid: unknown): Promise<AcmeAccount> {
    const id = this.urls.accountIdOf(kid);
    const account = id ? await this.ds.getRepository(AcmeAccount).findOneBy({ id }) : null;
    if (!account) throw new AcmeProblem("accountDoesNotExist", "no account with this kid");
    if (account.status !== AcmeAccountStatus.VALID)
      throw new AcmeProblem("unauthorized", `the account is ${account.status}`);
    return account;
  }

  /** The request's one transaction; its first statement consumes the nonce (badNonce on reuse). */
  async transaction<T>(r: AcmeRequest, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const result = await inTransaction(this.ds, async (tx) => {
      await this.nonces.consume(tx, r.nonce);
      return work(tx);
    });
    r.nonceUsed = true;
    return result;
  }

  /**
   * A refused request still used its nonce (RFC 8555 §6.5): consumed on its own when no transaction
   * did. False when the nonce had been used before: then the answer is badNonce, whatever else was wrong.
   */
  async burnNonce(r: AcmeRequest | null): Promise<boolean> {
    if (!r || r.nonceUsed) return true;
    try {
      await this.nonces.consume(this.ds.manager, r.nonce);
      return true;
    } catch (e) {
      if (e instanceof AcmeProblem) return false;
      throw e;
    }
  }

  /** The JSON payload of a POST (not POST-as-GET); malformed otherwise. */
  payload(r: AcmeRequest): Record<string, unknown> {
    if (r.postAsGet) throw new AcmeProblem("malformed", "this request needs a JSON payload");
    try {
      const v: unknown = JSON.parse(r.parsed.payload.toString("utf8"));
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
      return v as Record<string, unknown>;
    } catch {
      throw new AcmeProblem("malformed", "the JWS payload is not a JSON object");
    }
  }

  requireAccount(r: AcmeRequest): AcmeAccount {
    if (!r.account) throw new AcmeProblem("malformed", "this request must be signed by an account (kid)");
    return r.account;
  }

  /** Audit actor of an ACME request: the account (or the key holder) acting for its subscriber. */
  actor(r: AcmeRequest, label?: string): Actor {
    return {
      caller: {
        kind: "SYSTEM",
        label: label ?? (r.account ? `acme:${this.urls.account(r.account.id)}` : "acme:certificate-key"),
      },
      requestId: r.requestId,
    };
  }
}
