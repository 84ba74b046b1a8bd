import { createHash, randomUUID } from "node:crypto";
import { DataSource, EntityManager, In } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { canSeeResellerData, requireAuthenticated, requireReseller } from "../auth";
import { Certificate, refuseDuplicateCertificate, refuseRenewedTwice } from "../certificates";
import { Contract, ContractStatus } from "../contracts";
import { inTransaction } from "../db/transaction";
import { insertAtCommit } from "../db/write-entity";
import { OPEN_APPLICATION_STATUSES, applicationMove, carryOverAllowedFor, decideRenewal } from "../domain";
import { Clock } from "../domain/clock";
import { toGlobalId } from "../ids";
import { ConnectionShape, PageRequest, paginate } from "../paging";
import { CertificateParseError, chainsTo, parseCertificateChain } from "../pki";
import { IssuanceMode, Product, refuseDiscontinuedRenewal } from "../products";
import { RefusalCode, fromDomain, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { Subscriber } from "../subscribers";
import {
  ConsentsInput,
  requirePem,
  requireBrokeringReseller,
  requireConsents,
  requireCsr,
  requireEligible,
  requireNames,
  requireApplicationParties,
  requireTerm,
} from "./application-checks";
import { Application, ApplicationKind, ApplicationStatus } from "./application.entity";
import { ApplicationDocument } from "./application-document.entity";
import { Consent, ConsentKind } from "./consent.entity";
import { DcvMethod } from "../validation";
import { DomainValidationMethod } from "./domain-validation.entity";
import { DomainValidationService } from "./domain-validation.service";
import { idempotentApplication } from "./idempotency";
import { refuseHolderOrOrganisationChange } from "./reissue-holder";
import { refuseDisputedNames } from "../disputes";
import { EventPublisher, EventType } from "../events";

export interface SubmitInput {
  subscriberId: string | null;
  productId: string | null;
  termMonths: number;
  names: string[];
  csr: string;
  consents: ConsentsInput;
  /** VAL-3: the certificate whose remaining months carry over (PEM, with its chain if it has one). */
  carryOverCertificate?: string | null;
  dcvMethod?: DcvMethod | null;
  idempotencyKey?: string | null;
}

export interface RenewalInput {
  contractId: string | null;
  termMonths: number;
  csr: string;
  names?: string[] | null;
  consents: ConsentsInput;
  dcvMethod?: DcvMethod | null;
  idempotencyKey?: string | null;
}

export interface ReissueInput {
  contractId: string | null;
  csr: string;
  names?: string[] | null;
  consents: ConsentsInput;
  revokeSupersededImmediately?: boolean | null;
  dcvMethod?: DcvMethod | null;
  idempotencyKey?: string | null;
}

export interface ReplacementInput {
  contractId: string | null;
  csr: string;
  names?: string[] | null;
  consents: ConsentsInput;
  dcvMethod?: DcvMethod | null;
  idempotencyKey?: string | null;
}

export interface DocumentInput {
  filename: string;
  mediaType: string;
  contentBase64: string;
}

const DOCUMENT_LIMITS = {
  maxBytes: 5 * 1024 * 1024,
  maxPerApplication: 10,
  mediaTypes: ["application/pdf", "image/png", "image/jpeg"],
} as const;

/** The reseller's side of APP-1..APP-10: submit (new, renewal, reissue), answer document requests, withdraw. */
export class ApplicationService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly dcv: DomainValidationService,
    private readonly carryOverRoots: (em: EntityManager) => Promise<Buffer[]>,
    private readonly events: EventPublisher,
  ) {}

  async get(scope: RequestScope, id: string): Promise<Application | null> {
    const a = await scope.loaders.byId(Application).load(id);
    return a && canSeeResellerData(scope.caller, a.resellerId) ? a : null;
  }

  async list(
    scope: RequestScope,
    args: PageRequest,
    filter: { statuses?: ApplicationStatus[] | null; subscriberId?: string | null } = {},
  ): Promise<ConnectionShape<Application>> {
    requireAuthenticated(scope.caller);
    const qb = this.ds.getRepository(Application).createQueryBuilder("a");
    if (scope.caller.kind === "RESELLER") qb.where("a.reseller_id = :own", { own: scope.caller.resellerId });
    if (filter.statuses?.length) qb.andWhere("a.status IN (:...statuses)", { statuses: filter.statuses });
    if (filter.subscriberId) qb.andWhere("a.subscriber_id = :sid", { sid: filter.subscriberId });
    return paginate(qb, args);
  }

  async documents(scope: RequestScope, application: Application): Promise<ApplicationDocument[]> {
    return scope.loaders.manyBy(ApplicationDocument, "applicationId", { uploadedAt: "ASC" }).load(application.id);
  }

  /** A new certificate (APP-1..APP-10), optionally carrying over an old certificate's months (VAL-3). */
  async submit(scope: RequestScope, input: SubmitInput): Promise<Application> {
    const resellerId = requireReseller(scope.caller);
    return this.idempotent(resellerId, input.idempotencyKey, input, (tx, requestHash) =>
      this.submitNew(tx, scope, resellerId, input, requestHash),
    );
  }

  /** VAL-5: a renewal of an active contract, inside the renewal window. */
  async submitRenewal(scope: RequestScope, input: RenewalInput): Promise<Application> {
    const resellerId = requireReseller(scope.caller);
    return this.idempotent(resellerId, input.idempotencyKey, input, async (tx, requestHash) => {
      const now = this.clock.now();
      await requireBrokeringReseller(tx, resellerId);
      const { contract, product, subscriber, current } = await this.ownActiveContract(tx, resellerId, input.contractId);
      if (product.autoRenew || product.issuanceMode !== IssuanceMode.BUILT_IN_CA) {
        throw refusal(
          RefusalCode.RENEWAL_NOT_ALLOWED,
          product.autoRenew
            ? "Auto-renew contracts extend themselves month by month (VAL-6)."
            : "Bring-your-own management is renewed with renewImportedCertificate (VAL-8).",
          "input.contractId",
        );
      }
      refuseDiscontinuedRenewal(product, now);
      await refuseRenewedTwice(tx, contract.id);
      const termMonths = requireTerm(product, input.termMonths)!;
      const decision = decideRenewal({ currentExpiry: contract.endsAt!, termMonths, now });
      if (!decision.ok) throw fromDomain(decision, "input.contractId");
      const names = this.sameCommonName(product, input.names ?? current?.names ?? [], current?.commonName ?? null);
      await this.refuseOpenApplication(tx, contract.id);
      return this.insertApplication(tx, scope, {
        kind: ApplicationKind.RENEWAL,
        resellerId,
        subscriber,
        product,
        contractId: contract.id,
        termMonths,
        names,
        csrDer: requireCsr(product, input.csr, names),
        consents: input.consents,
        dcvMethod: input.dcvMethod,
        requestHash,
        idempotencyKey: input.idempotencyKey ?? null,
      });
    });
  }

  /** VAL-4, APP-8: a new certificate for the same common name and organisation, keeping notAfter. */
  async submitReissue(scope: RequestScope, input: ReissueInput): Promise<Application> {
    const resellerId = requireReseller(scope.caller);
    return this.idempotent(resellerId, input.idempotencyKey, input, async (tx, requestHash) => {
      await requireBrokeringReseller(tx, resellerId);
      const { contract, product, subscriber, current } = await this.ownActiveContract(tx, resellerId, input.contractId);
      if (product.issuanceMode !== IssuanceMode.BUILT_IN_CA)
        throw refusal(
          RefusalCode.INVALID_INPUT,
          "Only certificates issued by the CA can be reissued.",
          "input.contractId",
        );
      const now = this.clock.now();
      if (!current || current.revokedAt)
        throw refusal(
          RefusalCode.CERTIFICATE_REVOKED,
          "The contract has no certificate in force to reissue.",
          "input.contractId",
        );
      if (current.notAfter <= now)
        throw refusal(
          RefusalCode.CERTIFICATE_EXPIRED,
          "The certificate has expired; apply for a new one.",
          "input.contractId",
        );
      const names = this.sameCommonName(product, input.names ?? current.names, current.commonName);
      // APP-8: a different holder or organisation needs a new application, not a reissue.
      await refuseHolderOrOrganisationChange(tx, contract, subscriber, product, current);
      await this.refuseOpenApplication(tx, contract.id);
      return this.insertApplication(tx, scope, {
        kind: ApplicationKind.REISSUE,
        resellerId,
        subscriber,
        product,
        contractId: contract.id,
        termMonths: contract.termMonths,
        names,
        csrDer: requireCsr(product, input.csr, names),
        consents: input.consents,
        dcvMethod: input.dcvMethod,
        requestHash,
        idempotencyKey: input.idempotencyKey ?? null,
        revokeSupersededImmediately: input.revokeSupersededImmediately ?? false,
      });
    });
  }

  /**
   * VAL-7: the next certificate of a term longer than one certificate may live, in the same contract
   * and without a new fee. The current certificate stays valid until it expires.
   */
  async submitReplacement(scope: RequestScope, input: ReplacementInput): Promise<Application> {
    const resellerId = requireReseller(scope.caller);
    return this.idempotent(resellerId, input.idempotencyKey, input, async (tx, requestHash) => {
      await requireBrokeringReseller(tx, resellerId);
      const { contract, product, subscriber, current } = await this.ownActiveContract(tx, resellerId, input.contractId);
      if (product.issuanceMode !== IssuanceMode.BUILT_IN_CA)
        throw refusal(
          RefusalCode.INVALID_INPUT,
          "Only certificates issued by the CA can be replaced.",
          "input.contractId",
        );
      if (current && current.notAfter >= contract.endsAt!) {
        throw refusal(
          RefusalCode.REPLACEMENT_NOT_NEEDED,
          "The current certificate already runs to the end of the term.",
          "input.contractId",
          "現在の証明書は契約期間の終了まで有効です。",
        );
      }
      // A contract renewed by default (CON-3) has no certificate yet: its names are those it was renewed with.
      const contractNames =
        current?.names ?? (await tx.findOneByOrFail(Application, { id: contract.applicationId })).names;
      const names = this.sameCommonName(product, input.names ?? contractNames, current?.commonName ?? contractNames[0]);
      await this.refuseOpenApplication(tx, contract.id);
      return this.insertApplication(tx, scope, {
        kind: ApplicationKind.REPLACEMENT,
        resellerId,
        subscriber,
        product,
        contractId: contract.id,
        termMonths: contract.termMonths,
        names,
        csrDer: requireCsr(product, input.csr, names),
        consents: input.consents,
        dcvMethod: input.dcvMethod,
        requestHash,
        idempotencyKey: input.idempotencyKey ?? null,
      });
    });
  }

  /** APP-2: the applicant answers a documents request; the application returns to review. */
  async uploadDocuments(
    scope: RequestScope,
    applicationId: string | null,
    documents: DocumentInput[],
  ): Promise<Application> {
    const resellerId = requireReseller(scope.caller);
    const decoded = documents.map((d, i) => {
      const field = `input.documents[${i}]`;
      if (!(DOCUMENT_LIMITS.mediaTypes as readonly string[]).includes(d.mediaType)) {
        throw refusal(
          RefusalCode.DOCUMENT_TYPE_NOT_ALLOWED,
          `Documents must be PDF, PNG or JPEG (got ${d.mediaType}).`,
          `${field}.mediaType`,
        );
      }
      if (!/^[A-Za-z0-9+/=\s]*$/.test(d.contentBase64))
        throw refusal(RefusalCode.INVALID_INPUT, "contentBase64 is not base64.", `${field}.contentBase64`);
      const content = Buffer.from(d.contentBase64, "base64");
      if (content.length === 0)
        throw refusal(RefusalCode.INVALID_INPUT, "The document is empty.", `${field}.contentBase64`);
      if (content.length > DOCUMENT_LIMITS.maxBytes)
        throw refusal(
          RefusalCode.DOCUMENT_TOO_LARGE,
          `Each document may be at most ${DOCUMENT_LIMITS.maxBytes / 1024 / 1024} MB.`,
          `${field}.contentBase64`,
        );
      const name = d.filename.trim();
      // eslint-disable-next-line no-control-regex -- control characters are exactly what a filename may not hold
      if (name.length === 0 || name.length > 200 || /[\\/\u0000-\u001f]/.test(name))
        throw refusal(
          RefusalCode.INVALID_INPUT,
          "filename must be 1-200 characters without path separators.",
          `${field}.filename`,
        );
      return { ...d, filename: name, content };
    });
    if (decoded.length === 0)
      throw refusal(RefusalCode.INVALID_INPUT, "At least one document is needed.", "input.documents");
    return inTransaction(this.ds, async (tx) => {
      const app = await this.lockOwn(tx, resellerId, applicationId);
      const to = applicationMove("uploadDocuments", app.status);
      if (to === null) throw this.stateRefusal(app, "upload documents to");
      // The same document again (same name and bytes) is the document already uploaded: a retry adds nothing.
      const have = await tx.find(ApplicationDocument, {
        select: { id: true, filename: true, sha256: true },
        where: { applicationId: app.id },
      });
      const digest = (d: { content: Buffer }) => createHash("sha256").update(d.content).digest("hex");
      const fresh = decoded.filter((d) => !have.some((h) => h.filename === d.filename && h.sha256 === digest(d)));
      if (fresh.length === 0) return app;
      const existing = have.length;
      if (existing + fresh.length > DOCUMENT_LIMITS.maxPerApplication)
        throw refusal(
          RefusalCode.TOO_MANY_DOCUMENTS,
          `At most ${DOCUMENT_LIMITS.maxPerApplication} documents per application.`,
          "input.documents",
        );
      const now = this.clock.now();
      for (const d of fresh) {
        await tx.insert(ApplicationDocument, {
          applicationId: app.id,
          filename: d.filename,
          mediaType: d.mediaType,
          sizeBytes: d.content.length,
          sha256: createHash("sha256").update(d.content).digest("hex"),
          content: d.content,
          uploadedAt: now,
          destroyedAt: null,
        });
      }
      const before = snapshot(app, ["csrDer", "carryOverCertificateDer"]);
      app.status = to;
      app.updatedAt = now;
      await tx.save(app);
      await this.audit.record(tx, scope, {
        action: "application.uploadDocuments",
        entityType: "Application",
        entityId: toGlobalId("Application", app.id),
        resellerId: app.resellerId,
        before,
        after: {
          ...snapshot(app, ["csrDer", "carryOverCertificateDer"]),
          documents: decoded.map((d) => ({ filename: d.filename, mediaType: d.mediaType, size: d.content.length })),
        },
      });
      return app;
    });
  }

  /** APP-2: the applicant withdraws an application still under review. */
  async withdraw(scope: RequestScope, applicationId: string | null, reason: string | null): Promise<Application> {
    const resellerId = requireReseller(scope.caller);
    return inTransaction(this.ds, async (tx) => {
      const app = await this.lockOwn(tx, resellerId, applicationId);
      const to = applicationMove("withdraw", app.status);
      if (to === null) throw this.stateRefusal(app, "withdraw");
      const before = snapshot(app, ["csrDer", "carryOverCertificateDer"]);
      app.status = to;
      app.decidedAt = this.clock.now();
      app.updatedAt = app.decidedAt;
      await tx.save(app);
      await this.audit.record(tx, scope, {
        action: "application.withdraw",
        entityType: "Application",
        entityId: toGlobalId("Application", app.id),
        resellerId: app.resellerId,
        reason,
        before,
        after: snapshot(app, ["csrDer", "carryOverCertificateDer"]),
      });
      return app;
    });
  }

  /** APP-9: runs the domain-control checks of an application the caller may see. */
  async checkDomainControl(scope: RequestScope, applicationId: string | null) {
    requireAuthenticated(scope.caller);
    const app = applicationId ? await this.get(scope, applicationId) : null;
    if (!app) throw refusal(RefusalCode.NOT_FOUND, "No such application.", "input.applicationId");
    if (applicationMove("checkDomainControl", app.status) === null) throw this.stateRefusal(app, "validate domains of");
    return { application: app, validations: await this.dcv.check(scope, app) };
  }

  // --- internals -------------------------------------------------------------------------------

  private async submitNew(
    tx: EntityManager,
    scope: RequestScope,
    resellerId: string,
    input: SubmitInput,
    requestHash: string,
  ): Promise<Application> {
    const now = this.clock.now();
    const { subscriber, product } = await requireApplicationParties(tx, {
      resellerId,
      subscriberId: input.subscriberId,
      productId: input.productId,
      mode: IssuanceMode.BUILT_IN_CA,
      now,
    });
    const termMonths = requireTerm(product, input.termMonths)!;
    requireEligible(product, subscriber);
    const names = requireNames(product, input.names);
    const csrDer = requireCsr(product, input.csr, names);
    const carryOverDer = input.carryOverCertificate
      ? await this.checkCarryOver(tx, product, input.carryOverCertificate, names[0], now)
      : null;
    await refuseDuplicateCertificate(tx, subscriber.id, product.id, names, now);
    return this.insertApplication(tx, scope, {
      kind: ApplicationKind.NEW,
      resellerId,
      subscriber,
      product,
      contractId: null,
      termMonths,
      names,
      csrDer,
      consents: input.consents,
      dcvMethod: input.dcvMethod,
      requestHash,
      idempotencyKey: input.idempotencyKey ?? null,
      carryOverDer,
    });
  }

  /** VAL-3: the old certificate chains to an accepted CA, is valid now, and covers the name applied for. */
  private async checkCarryOver(
    tx: EntityManager,
    product: Product,
    pem: string,
    commonName: string,
    now: Date,
  ): Promise<Buffer> {
    if (
      !carryOverAllowedFor({
        validationLevel: product.validationLevel!,
        autoRenew: product.autoRenew,
        issuanceMode: product.issuanceMode,
      })
    ) {
      throw refusal(
        RefusalCode.CARRY_OVER_NOT_APPLICABLE,
        `Carry-over applies only to non-auto-renew DV/OV products (VAL-3), not ${product.code}.`,
        "input.carryOverCertificate",
      );
    }
    requirePem(pem, ["CERTIFICATE"], "input.carryOverCertificate", true);
    let chain;
    try {
      chain = parseCertificateChain(pem);
    } catch (e) {
      if (e instanceof CertificateParseError)
        throw refusal(
          RefusalCode.CERTIFICATE_INVALID,
          `The carry-over certificate cannot be read: ${e.message}`,
          "input.carryOverCertificate",
        );
      throw e;
    }
    if (chain.length === 0)
      throw refusal(
        RefusalCode.CERTIFICATE_INVALID,
        "No certificate found in carryOverCertificate.",
        "input.carryOverCertificate",
      );
    const [leaf, ...intermediates] = chain;
    if (
      !chainsTo(
        leaf.der,
        intermediates.map((c) => c.der),
        await this.carryOverRoots(tx),
        now,
      )
    ) {
      throw refusal(
        RefusalCode.CARRY_OVER_NOT_ACCEPTED,
        "The carry-over certificate is not valid now or does not chain to a CA the operator accepts (VAL-3).",
        "input.carryOverCertificate",
        "引き継ぎ対象の証明書が有効でないか、受け入れ対象の認証局の証明書ではありません。",
      );
    }
    if (!leaf.names.includes(commonName)) {
      throw refusal(
        RefusalCode.CARRY_OVER_NOT_ACCEPTED,
        `The carry-over certificate does not cover ${commonName}.`,
        "input.carryOverCertificate",
      );
    }
    return leaf.der;
  }

  private async refuseOpenApplication(tx: EntityManager, contractId: string): Promise<void> {
    const open = await tx.count(Application, { where: { contractId, status: In(OPEN_APPLICATION_STATUSES) } });
    if (open > 0)
      throw refusal(RefusalCode.CONFLICT, "This contract already has an application under review.", "input.contractId");
  }

  /** VAL-4, VAL-5: renewal and reissue keep the common name (the first name). */
  private sameCommonName(product: Product, names: string[], commonName: string | null): string[] {
    const normalised = requireNames(product, names);
    if (commonName !== null && normalised[0] !== commonName) {
      throw refusal(
        RefusalCode.REISSUE_NAME_CHANGED,
        `The first name must stay ${commonName}; a different common name needs a new application.`,
        "input.names[0]",
        "コモンネームは変更できません。新規にお申し込みください。",
      );
    }
    return normalised;
  }

  private async ownActiveContract(tx: EntityManager, resellerId: string, contractId: string | null) {
    const contract = contractId
      ? await tx.findOne(Contract, { where: { id: contractId }, lock: { mode: "pessimistic_write" } })
      : null;
    if (!contract || contract.resellerId !== resellerId)
      throw refusal(RefusalCode.NOT_FOUND, "No such contract among yours.", "input.contractId");
    if (contract.status !== ContractStatus.ACTIVE)
      throw refusal(RefusalCode.CONTRACT_ENDED, "The contract has ended.", "input.contractId");
    const product = await tx.findOneByOrFail(Product, { id: contract.productId });
    const subscriber = await tx.findOneByOrFail(Subscriber, { id: contract.subscriberId });
    const current = await tx.findOne(Certificate, {
      where: { contractId: contract.id },
      order: { notAfter: "DESC", createdAt: "DESC" },
    });
    return { contract, product, subscriber, current };
  }

  private async lockOwn(tx: EntityManager, resellerId: string, applicationId: string | null): Promise<Application> {
    const app = applicationId
      ? await tx.findOne(Application, { where: { id: applicationId }, lock: { mode: "pessimistic_write" } })
      : null;
    if (!app || app.resellerId !== resellerId)
      throw refusal(RefusalCode.NOT_FOUND, "No such application.", "input.applicationId");
    return app;
  }

  private stateRefusal(app: Application, what: string) {
    return refusal(
      RefusalCode.APPLICATION_STATE,
      `Cannot ${what} an application that is ${app.status}.`,
      "input.applicationId",
    );
  }

  private async insertApplication(
    tx: EntityManager,
    scope: RequestScope,
    a: {
      kind: ApplicationKind;
      resellerId: string;
      subscriber: Subscriber;
      product: Product;
      contractId: string | null;
      termMonths: number | null;
      names: string[];
      csrDer: Buffer;
      consents: ConsentsInput;
      dcvMethod?: DcvMethod | null;
      requestHash: string;
      idempotencyKey: string | null;
      carryOverDer?: Buffer | null;
      revokeSupersededImmediately?: boolean;
    },
  ): Promise<Application> {
    const now = this.clock.now();
    await refuseDisputedNames(tx, a.names); // APP-6
    const terms = await requireConsents(tx, a.consents, now);
    // Written with the audit entry at commit (issue 11): the id is made here, and nothing in the
    // transaction reads these rows back.
    const [app] = insertAtCommit(tx, Application, [
      {
        id: randomUUID(),
        resellerId: a.resellerId,
        subscriberId: a.subscriber.id,
        productId: a.product.id,
        kind: a.kind,
        contractId: a.contractId,
        termMonths: a.termMonths,
        names: a.names,
        csrDer: a.csrDer,
        carryOverCertificateDer: a.carryOverDer ?? null,
        carryOverMonths: 0,
        status: ApplicationStatus.SUBMITTED,
        termsVersionId: terms.id,
        idempotencyKey: a.idempotencyKey,
        requestHash: a.requestHash,
        dcvMethod: (a.dcvMethod ?? "HTTP_FILE") as DomainValidationMethod,
        revokeSupersededImmediately: a.revokeSupersededImmediately ?? false,
        documentsRequest: null,
        documentsDueAt: null,
        refusalCode: null,
        rejectionReason: null,
        prohibitedConduct: null,
        reviewerKeyId: null,
        submittedAt: now,
        decidedAt: null,
        createdAt: now,
        updatedAt: now,
      },
    ]);
    // APP-1, RES-4: the consents, each with the terms version agreed to.
    insertAtCommit(
      tx,
      Consent,
      [ConsentKind.TERMS, ConsentKind.REGISTRANT_DATA_USE, ConsentKind.DATA_SUBJECTS].map((kind) => ({
        id: randomUUID(),
        applicationId: app.id,
        resellerId: a.resellerId,
        subscriberId: a.subscriber.id,
        kind,
        termsVersionId: terms.id,
        givenBy: `reseller:${a.resellerId}`,
        givenAt: now,
      })),
    );
    await this.dcv.openChallenges(tx, scope, app, a.dcvMethod ?? "HTTP_FILE");
    await this.audit.record(tx, scope, {
      action: `application.submit.${a.kind.toLowerCase()}`,
      entityType: "Application",
      entityId: toGlobalId("Application", app.id),
      resellerId: a.resellerId,
      after: snapshot(app, ["csrDer", "carryOverCertificateDer"]),
    });
    await this.events.emit(tx, {
      type: EventType.APPLICATION_SUBMITTED,
      resellerId: a.resellerId,
      subjectType: "Application",
      subjectId: toGlobalId("Application", app.id),
      data: {
        kind: app.kind,
        names: app.names,
        subscriberId: toGlobalId("Subscriber", app.subscriberId),
        productId: toGlobalId("Product", app.productId),
      },
    });
    return app;
  }

  private idempotent(
    resellerId: string,
    key: string | null | undefined,
    request: object,
    work: (tx: EntityManager, requestHash: string) => Promise<Application>,
  ): Promise<Application> {
    return idempotentApplication(this.ds, resellerId, key, request, work);
  }
}
