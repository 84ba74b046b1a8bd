import { DataSource, EntityManager } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { requireReseller } from "../auth";
import { Certificate, CertificateSource } from "../certificates";
import { Contract, ContractStatus, openContract } from "../contracts";
import { canRenewByoManagement, checkByoCertificate, termEnd } from "../domain";
import { Clock } from "../domain/clock";
import { toGlobalId } from "../ids";
import { CertificateParseError, ParsedCertificate, parseCertificateChain } from "../pki";
import { requirePem } from "./application-checks";
import { IssuanceMode, Product, refuseDiscontinuedRenewal } from "../products";
import { RefusalCode, fromDomain, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { Subscriber } from "../subscribers";
import { FeeService } from "../fees";
import {
  ConsentsInput,
  requireBrokeringReseller,
  requireConsents,
  requireApplicationParties,
  requireTerm,
} from "./application-checks";
import { Application, ApplicationKind, ApplicationStatus } from "./application.entity";
import { Consent, ConsentKind } from "./consent.entity";
import { DomainValidationMethod } from "./domain-validation.entity";
import { idempotentApplication } from "./idempotency";

import { refuseDisputedNames } from "../disputes";

export interface ImportInput {
  subscriberId: string | null;
  productId: string | null;
  /** Months, or null for the unlimited term. */
  termMonths: number | null;
  certificate: string;
  consents: ConsentsInput;
  idempotencyKey?: string | null;
}

export interface RenewImportInput {
  contractId: string | null;
  termMonths: number | null;
  certificate: string;
  consents: ConsentsInput;
  idempotencyKey?: string | null;
}

/**
 * VAL-8: bring-your-own certificates are managed, not issued. The certificate is parsed and its
 * validity must fit the chosen term; management of a certificate valid 90 days or less is not renewed.
 */
export class ImportService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly fees: FeeService,
  ) {}

  async importCertificate(scope: RequestScope, input: ImportInput): Promise<Application> {
    const resellerId = requireReseller(scope.caller);
    return idempotentApplication(this.ds, resellerId, input.idempotencyKey, input, async (tx, requestHash) => {
      const now = this.clock.now();
      const { subscriber, product } = await requireApplicationParties(tx, {
        resellerId,
        subscriberId: input.subscriberId,
        productId: input.productId,
        mode: IssuanceMode.BRING_YOUR_OWN,
        now,
      });
      return this.manage(tx, scope, {
        resellerId,
        subscriber,
        product,
        termMonths: input.termMonths,
        pem: input.certificate,
        consents: input.consents,
        requestHash,
        idempotencyKey: input.idempotencyKey ?? null,
        renewedFrom: null,
      });
    });
  }

  /** CON-3, VAL-8: the subscriber renewed its certificate itself; management continues with the new one. */
  async renewImport(scope: RequestScope, input: RenewImportInput): Promise<Application> {
    const resellerId = requireReseller(scope.caller);
    return idempotentApplication(this.ds, resellerId, input.idempotencyKey, input, async (tx, requestHash) => {
      await requireBrokeringReseller(tx, resellerId);
      const previous = input.contractId
        ? await tx.findOne(Contract, { where: { id: input.contractId }, lock: { mode: "pessimistic_write" } })
        : null;
      if (!previous || previous.resellerId !== resellerId)
        throw refusal(RefusalCode.NOT_FOUND, "No such contract among yours.", "input.contractId");
      if (previous.status !== ContractStatus.ACTIVE)
        throw refusal(RefusalCode.CONTRACT_ENDED, "The contract has ended.", "input.contractId");
      const product = await tx.findOneByOrFail(Product, { id: previous.productId });
      if (product.issuanceMode !== IssuanceMode.BRING_YOUR_OWN)
        throw refusal(
          RefusalCode.RENEWAL_NOT_ALLOWED,
          "Certificates issued by the CA are renewed with submitRenewal.",
          "input.contractId",
        );
      refuseDiscontinuedRenewal(product, this.clock.now()); // CON-5
      const subscriber = await tx.findOneByOrFail(Subscriber, { id: previous.subscriberId });
      return this.manage(tx, scope, {
        resellerId,
        subscriber,
        product,
        termMonths: input.termMonths,
        pem: input.certificate,
        consents: input.consents,
        requestHash,
        idempotencyKey: input.idempotencyKey ?? null,
        renewedFrom: previous,
      });
    });
  }

  private async manage(
    tx: EntityManager,
    scope: RequestScope,
    x: {
      resellerId: string;
      subscriber: Subscriber;
      product: Product;
      termMonths: number | null;
      pem: string;
      consents: ConsentsInput;
      requestHash: string;
      idempotencyKey: string | null;
      renewedFrom: Contract | null;
    },
  ): Promise<Application> {
    const now = this.clock.now();
    const termMonths = requireTerm(x.product, x.termMonths);
    const cert = parseLeaf(x.pem);
    const fit = checkByoCertificate({
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      term: termMonths ?? "UNLIMITED",
      now,
    });
    if (!fit.ok) throw fromDomain(fit, "input.certificate");
    if (x.renewedFrom) {
      // VAL-8: management is not renewed for a certificate whose own validity is 90 days or less.
      const renewable = canRenewByoManagement({ notBefore: cert.notBefore, notAfter: cert.notAfter });
      if (!renewable.ok) throw fromDomain(renewable, "input.certificate");
    }
    if (await tx.existsBy(Certificate, { sha256Fingerprint: cert.sha256Fingerprint })) {
      throw refusal(
        RefusalCode.CONFLICT,
        "This certificate is already managed.",
        "input.certificate",
        "この証明書は既に管理対象です。",
      );
    }
    await refuseDisputedNames(tx, cert.names, "input.certificate"); // APP-6
    const terms = await requireConsents(tx, x.consents, now);
    const app = await tx.save(
      tx.create(Application, {
        resellerId: x.resellerId,
        subscriberId: x.subscriber.id,
        productId: x.product.id,
        kind: ApplicationKind.IMPORT,
        contractId: x.renewedFrom?.id ?? null,
        termMonths,
        names: cert.names.length > 0 ? cert.names : [cert.commonName ?? "unknown"],
        csrDer: null,
        carryOverCertificateDer: null,
        carryOverMonths: 0,
        status: ApplicationStatus.ISSUED,
        termsVersionId: terms.id,
        idempotencyKey: x.idempotencyKey,
        requestHash: x.requestHash,
        dcvMethod: DomainValidationMethod.HTTP_FILE,
        revokeSupersededImmediately: false,
        documentsRequest: null,
        documentsDueAt: null,
        refusalCode: null,
        rejectionReason: null,
        reviewerKeyId: null,
        submittedAt: now,
        decidedAt: now,
        createdAt: now,
        updatedAt: now,
      }),
    );
    for (const kind of [ConsentKind.TERMS, ConsentKind.REGISTRANT_DATA_USE, ConsentKind.DATA_SUBJECTS]) {
      await tx.insert(Consent, {
        applicationId: app.id,
        resellerId: x.resellerId,
        subscriberId: x.subscriber.id,
        kind,
        termsVersionId: terms.id,
        givenBy: `reseller:${x.resellerId}`,
        givenAt: now,
      });
    }
    const start = x.renewedFrom?.endsAt && x.renewedFrom.endsAt > now ? x.renewedFrom.endsAt : now;
    const contract = await openContract(
      tx,
      this.audit,
      scope,
      {
        subscriberId: x.subscriber.id,
        resellerId: x.resellerId,
        productId: x.product.id,
        applicationId: app.id,
        renewedFromId: x.renewedFrom?.id ?? null,
        termMonths,
        carryOverMonths: 0,
        startsAt: now,
        endsAt: termMonths === null ? null : termEnd(start, termMonths),
        servicePeriodEndsAt: null,
        doNotRenew: false,
        createdAt: now,
      },
      x.renewedFrom
        ? "VAL-8: renewed management of a bring-your-own certificate"
        : "VAL-8: management of a bring-your-own certificate",
    );
    const certificate = await tx.save(
      tx.create(Certificate, {
        contractId: contract.id,
        applicationId: app.id,
        source: CertificateSource.IMPORTED,
        issuingCaId: null,
        serialHex: cert.serialHex,
        sha256Fingerprint: cert.sha256Fingerprint,
        der: cert.der,
        commonName: cert.commonName ?? null,
        names: cert.names,
        subjectDn: cert.subject,
        issuerDn: cert.issuer,
        notBefore: cert.notBefore,
        notAfter: cert.notAfter,
        keyAlgorithm: cert.keyAlgorithm ?? null,
        supersededById: null,
        revokedAt: null,
        revocationReason: null,
        createdAt: now,
      }),
    );
    await this.audit.record(tx, scope, {
      action: x.renewedFrom ? "certificate.import.renew" : "certificate.import",
      entityType: "Certificate",
      entityId: toGlobalId("Certificate", certificate.id),
      resellerId: x.resellerId,
      after: { ...snapshot(certificate, ["der"]), contract: snapshot(contract) },
    });
    // RES-6: managing a certificate is a brokered service too: the TERM price, or monthly for the unlimited term.
    await this.fees.chargeNewContract(tx, scope, contract, x.product, x.renewedFrom ? "RENEWAL" : "ISSUANCE");
    return app;
  }
}

function parseLeaf(pem: string): ParsedCertificate {
  requirePem(pem, ["CERTIFICATE"], "input.certificate", true);
  try {
    const chain = parseCertificateChain(pem);
    if (chain.length > 0 && !chain[0].isCa) return chain[0];
  } catch (e) {
    if (!(e instanceof CertificateParseError)) throw e;
    throw refusal(RefusalCode.CERTIFICATE_INVALID, `The certificate cannot be read: ${e.message}`, "input.certificate");
  }
  throw refusal(
    RefusalCode.CERTIFICATE_INVALID,
    "No server certificate found (PEM or base64 DER, leaf first).",
    "input.certificate",
  );
}
