/**
 * ACME-5, RFC 8555 §7.4.2, §7.6: certificate download (with the chain) and revocation, by the account
 * or by the certificate's key, with the subscriber's reasons of REV-1, through the one revocation path.
 */
import { createHash } from "node:crypto";
import { EntityManager } from "typeorm";
import { Application, ApplicationKind } from "../applications";
import { Certificate, CertificateService } from "../certificates";
import { planRevocation, revocationReasonFromCode } from "../domain";
import { readCertificateParts } from "../pki/certificate-der";
import { RevocationRequester } from "../revocations";
import type { RevocationService } from "../revocations";
import { AcmeAuthorization } from "./acme-authorization.entity";
import type { AcmeCore, AcmeRequest } from "./acme-core";
import { AcmeOrder } from "./acme-order.entity";
import type { AcmeResponse } from "./acme-response";
import { AcmeProblem } from "./problems";

/** @rule ACME-5 — finalisation writes no issuance notice through the reseller (acme-finalize.ts) */
export class AcmeCertificates {
  constructor(
    private readonly core: AcmeCore,
    private readonly certificates: CertificateService,
    private readonly revocations: RevocationService,
  ) {}

  /** POST-as-GET /acme/cert/:id: the certificate and its issuing CA, `application/pem-certificate-chain`. */
  async download(r: AcmeRequest, id: string): Promise<AcmeResponse> {
    const account = this.core.requireAccount(r);
    if (!r.postAsGet) throw new AcmeProblem("malformed", "certificates are fetched with POST-as-GET");
    const cert = await this.core.transaction(r, async (tx) => {
      const order = await tx.findOneBy(AcmeOrder, { certificateId: id });
      if (!order) throw new AcmeProblem("malformed", "no such certificate", { status: 404 });
      if (order.accountId !== account.id)
        throw new AcmeProblem("unauthorized", "the certificate was issued to another account");
      return tx.findOneByOrFail(Certificate, { id });
    });
    // After the transaction: the chain may read the issuing CA (one connection at a time per request).
    return {
      status: 200,
      text: await this.certificates.chainPem(cert),
      contentType: "application/pem-certificate-chain",
    };
  }

  /** POST /acme/revoke-cert, signed by the account (kid) or by the certificate's own key (jwk). */
  async revoke(r: AcmeRequest): Promise<AcmeResponse> {
    const body = this.core.payload(r);
    if (typeof body.certificate !== "string" || !/^[A-Za-z0-9_-]+$/.test(body.certificate))
      throw new AcmeProblem("malformed", "certificate must be base64url DER");
    const der = Buffer.from(body.certificate, "base64url");
    const code = body.reason === undefined ? 0 : body.reason;
    const reason = typeof code === "number" && Number.isInteger(code) ? revocationReasonFromCode(code) : null;
    // REV-1: through ACME the subscriber's reasons only (0, 1, 3, 4, 5).
    const plan = reason ? planRevocation({ actor: "SUBSCRIBER", reason, requestedAt: this.core.clock.now() }) : null;
    if (!plan?.ok)
      throw new AcmeProblem(
        "badRevocationReason",
        "reason must be one of 0, 1, 3, 4, 5 (REV-1: the subscriber's reasons)",
      );
    const fingerprint = createHash("sha256").update(der).digest("hex");
    return this.core.transaction(r, async (tx) => {
      const cert = await tx.findOne(Certificate, {
        where: { sha256Fingerprint: fingerprint },
        lock: { mode: "pessimistic_write" },
      });
      const app = cert?.applicationId ? await tx.findOneBy(Application, { id: cert.applicationId }) : null;
      if (!cert || app?.kind !== ApplicationKind.ACME)
        throw new AcmeProblem("malformed", "no certificate issued through ACME matches", { status: 404 });
      await this.authorise(tx, r, cert);
      if (cert.revokedAt) throw new AcmeProblem("alreadyRevoked", "the certificate is already revoked");
      const how = r.account ? `by ACME account ${this.core.urls.account(r.account.id)}` : "by the certificate's key";
      await this.revocations.execute(tx, this.core.actor(r), cert, plan.reason, {
        requestedBy: RevocationRequester.SUBSCRIBER,
        requesterKeyId: null,
        comment: `ACME revokeCert ${how}`,
      });
      return { status: 200 };
    });
  }

  /** RFC 8555 §7.6: the issuing account, an account holding valid authorisations for every name, or the certificate's key. */
  private async authorise(tx: EntityManager, r: AcmeRequest, cert: Certificate): Promise<void> {
    if (!r.account) {
      const spki = r.key.export({ type: "spki", format: "der" });
      if (!readCertificateParts(cert.der).spki.equals(spki))
        throw new AcmeProblem("unauthorized", "the JWS key is not the certificate's key");
      return;
    }
    const order = await tx.findOneBy(AcmeOrder, { certificateId: cert.id });
    if (order?.accountId === r.account.id) return;
    const authzs = await tx.find(AcmeAuthorization, { where: { accountId: r.account.id, status: "valid" } });
    const now = this.core.clock.now();
    const covered = new Set(authzs.filter((a) => a.expiresAt > now).map((a) => a.orderedName));
    if (!cert.names.every((n) => covered.has(n)))
      throw new AcmeProblem(
        "unauthorized",
        "this account neither issued the certificate nor holds authorisations for all its names",
      );
  }
}
