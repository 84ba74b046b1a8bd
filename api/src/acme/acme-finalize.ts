/**
 * ACME-4, ACME-5, RFC 8555 §7.4: finalisation. The CSR is checked as APP-10 says (names exactly the
 * order's identifiers, key, signature); APP-11 CAA results older than 8 hours are looked up again
 * before the transaction; then one transaction issues through the one issuance path (contract,
 * certificate, CRL/OCSP/status, audit) and writes the event — but no issuance notice (ACME-5, JR 11).
 */
import { EntityManager, LessThanOrEqual } from "typeorm";
import { Application, ApplicationKind, ApplicationStatus, DomainValidationMethod } from "../applications";
import type { DomainValidationService } from "../applications";
import { snapshot } from "../audit";
import { Certificate } from "../certificates";
import type { IssuanceService } from "../certificates";
import { EventType } from "../events";
import { toGlobalId } from "../ids";
import { checkCsr } from "../pki";
import type { CaaResult } from "../validation";
import { Product, TermsVersion } from "../products";
import { RefusalError } from "../refusal";
import { Seal } from "../seals";
import { AcmeAuthorization } from "./acme-authorization.entity";
import type { AcmeCore, AcmeRequest } from "./acme-core";
import { AcmeOrder, AcmeOrderStatus } from "./acme-order.entity";
import { AcmeOrders } from "./acme-orders";
import type { AcmeResponse } from "./acme-response";
import { orderView } from "./acme-views";
import { AcmeProblem, errorUrn, subproblem } from "./problems";

export class AcmeFinalize {
  constructor(
    private readonly core: AcmeCore,
    private readonly orders: AcmeOrders,
    private readonly dcv: DomainValidationService,
    private readonly issuance: IssuanceService,
  ) {}

  /** POST /acme/order/:id/finalize. */
  async finalize(r: AcmeRequest, id: string): Promise<AcmeResponse> {
    const account = this.core.requireAccount(r);
    const body = this.core.payload(r);
    if (typeof body.csr !== "string" || !/^[A-Za-z0-9_-]+$/.test(body.csr))
      throw new AcmeProblem("malformed", "csr must be base64url DER");
    const csrDer = Buffer.from(body.csr, "base64url");
    const { order, authzs } = await this.orders.load(this.core.ds.manager, id, account.id);
    if (order.status !== AcmeOrderStatus.READY)
      throw new AcmeProblem("orderNotReady", `the order is ${order.status}, not ready`);
    // APP-10: signature, key, and exactly the order's names (wildcards were ordered, so allowed).
    const csr = checkCsr(csrDer, { names: order.names, wildcardAllowed: true });
    if (!csr.ok) throw new AcmeProblem("badCSR", `${csr.code}: ${csr.message}`);
    const caa = await this.refreshCaa(order, authzs, account.id);
    return this.core.transaction(r, async (tx) => {
      await this.dcv.caa.record(tx, order.subscriberId, account.id, caa);
      return this.issue(tx, r, id, csrDer);
    });
  }

  /** APP-11: new look-ups (outside the transaction) for names whose CAA result is missing, stale or negative. */
  private async refreshCaa(order: AcmeOrder, authzs: AcmeAuthorization[], accountId: string): Promise<CaaResult[]> {
    const now = this.core.clock.now();
    const stale = await this.dcv.caa.stale(this.core.ds.manager, order.subscriberId, order.names, accountId, now);
    if (stale.length === 0) return [];
    const methods = await this.orders.methodsOf(this.core.ds.manager, authzs);
    return this.dcv.caa.lookup(
      stale.map((name) => ({ name, method: methods.get(name) ?? "http-01" })),
      this.core.urls.account(accountId),
    );
  }

  private async issue(tx: EntityManager, r: AcmeRequest, id: string, csrDer: Buffer): Promise<AcmeResponse> {
    const account = this.core.requireAccount(r);
    const { order, authzs } = await this.orders.load(tx, id, account.id, true);
    // Twenty finalisations at once issue one certificate: the row is locked, the others find it processed.
    if (order.status === AcmeOrderStatus.VALID)
      return {
        status: 200,
        body: orderView(this.core.urls, order, authzs),
        headers: { Location: this.core.urls.order(id) },
      };
    if (order.status !== AcmeOrderStatus.READY)
      throw new AcmeProblem("orderNotReady", `the order is ${order.status}, not ready`);
    const now = this.core.clock.now();
    const shortfalls = await this.dcv.caa.shortfalls(tx, order.subscriberId, order.names, account.id, now);
    if (shortfalls.length > 0) {
      const error = {
        type: errorUrn("caa"),
        detail: "CAA forbids issuance (APP-11)",
        status: 403,
        subproblems: shortfalls.map((s) => subproblem("caa", s.name, s.message)),
      };
      await tx.update(AcmeOrder, { id }, { status: AcmeOrderStatus.INVALID, error, updatedAt: now });
      return { status: 403, body: error, problem: true };
    }
    let certificate: Certificate;
    try {
      certificate = await this.issueCertificate(tx, r, order, authzs, csrDer);
    } catch (e) {
      if (e instanceof RefusalError)
        throw new AcmeProblem(e.code.startsWith("CSR_") ? "badCSR" : "unauthorized", `${e.code}: ${e.message}`);
      throw e;
    }
    order.status = AcmeOrderStatus.VALID;
    order.certificateId = certificate.id;
    await tx.update(AcmeOrder, { id }, { status: order.status, certificateId: certificate.id, updatedAt: now });
    return {
      status: 200,
      body: orderView(this.core.urls, order, authzs),
      headers: { Location: this.core.urls.order(id) },
    };
  }

  /** The application of kind ACME (the order is its review) and the issuance through the one path. */
  private async issueCertificate(
    tx: EntityManager,
    r: AcmeRequest,
    order: AcmeOrder,
    authzs: AcmeAuthorization[],
    csrDer: Buffer,
  ): Promise<Certificate> {
    const now = this.core.clock.now();
    const product = await tx.findOneByOrFail(Product, {
      code: order.names.some((n) => n.startsWith("*.")) ? "DV_WILDCARD" : "DV",
    });
    const terms = await tx.findOneOrFail(TermsVersion, {
      where: { effectiveFrom: LessThanOrEqual(now) },
      order: { effectiveFrom: "DESC" },
    });
    const viaDns = authzs.every((a) => a.challengeType === "dns-01");
    const app = await tx.save(
      tx.create(Application, {
        resellerId: order.resellerId,
        subscriberId: order.subscriberId,
        productId: product.id,
        kind: ApplicationKind.ACME,
        contractId: null,
        termMonths: null,
        names: order.names,
        csrDer,
        carryOverCertificateDer: null,
        carryOverMonths: 0,
        status: ApplicationStatus.ISSUED,
        termsVersionId: terms.id,
        idempotencyKey: null,
        requestHash: null,
        dcvMethod: viaDns ? DomainValidationMethod.DNS_TXT : DomainValidationMethod.HTTP_FILE,
        revokeSupersededImmediately: false,
        documentsRequest: null,
        documentsDueAt: null,
        refusalCode: null,
        rejectionReason: null,
        reviewerKeyId: null,
        submittedAt: order.createdAt,
        decidedAt: now,
        createdAt: now,
        updatedAt: now,
      }),
    );
    const actor = this.core.actor(r);
    const { certificate, contract } = await this.issuance.issueForApplication(tx, actor, app);
    const certificateId = toGlobalId("Certificate", certificate.id);
    await this.core.audit.record(tx, actor, {
      action: "certificate.issue",
      entityType: "Certificate",
      entityId: certificateId,
      resellerId: order.resellerId,
      reason: `ACME order ${order.nodeId}`,
      after: snapshot(certificate, ["der"]),
    });
    // The seal follows the certificate an ACME renewal replaces (RFC 9773 `replaces`), as it follows contract renewals.
    if (order.replacesCertificateId) {
      const old = await tx.findOneBy(Certificate, { id: order.replacesCertificateId });
      if (old) await tx.update(Seal, { contractId: old.contractId }, { contractId: contract.id });
    }
    // ACME-5: no issuance notice through the reseller (the client fetches the certificate); the event is still written.
    await this.core.events.emit(tx, {
      type: EventType.CERTIFICATE_ISSUED,
      resellerId: order.resellerId,
      subjectType: "Certificate",
      subjectId: certificateId,
      data: {
        applicationId: toGlobalId("Application", app.id),
        acmeOrderId: order.nodeId,
        serialNumber: certificate.serialHex,
        names: order.names,
        notBefore: certificate.notBefore.toISOString(),
        notAfter: certificate.notAfter.toISOString(),
      },
    });
    return certificate;
  }
}
