import { DataSource, EntityManager, IsNull } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { requireOperator } from "../auth";
import type { IssuanceService } from "../certificates";
import { Certificate } from "../certificates";
import { inTransaction } from "../db/transaction";
import {
  ApplicationMove,
  OPEN_APPLICATION_STATUSES,
  applicationMove,
  businessDaysDeadline,
  statusesAllowing,
} from "../domain";
import { Clock } from "../domain/clock";
import { toGlobalId } from "../ids";
import { ConnectionShape, PageRequest, paginate } from "../paging";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { Subscriber } from "../subscribers";
import { Application } from "./application.entity";
import { ApplicationDocument } from "./application-document.entity";
import { CaaLookupNeeded, DomainValidationService } from "./domain-validation.service";
import { ProhibitedConduct, prohibitedConductFor } from "./prohibited-conduct";
import { EventPublisher, EventType } from "../events";
import { NoticeService } from "../notices";
import { findById } from "../db/by-id";
import { updateByIdAtCommit } from "../db/write-entity";

/** Why the operator refused an application (APP-4..APP-7), recorded with the rejection. */
export enum RejectionGround {
  PROCEDURE_NOT_FOLLOWED = "PROCEDURE_NOT_FOLLOWED",
  OPERATIONAL_PROBLEM = "OPERATIONAL_PROBLEM",
  DUPLICATE_CERTIFICATE = "DUPLICATE_CERTIFICATE",
  NOT_ELIGIBLE = "NOT_ELIGIBLE",
  THIRD_PARTY_TRADEMARK = "THIRD_PARTY_TRADEMARK",
  PROHIBITED_CONDUCT = "PROHIBITED_CONDUCT",
  DOCUMENTS_NOT_PROVIDED = "DOCUMENTS_NOT_PROVIDED",
  OTHER = "OTHER",
}

const AUDIT_OMIT = ["csrDer", "carryOverCertificateDer"];

/**
 * The operator's side of APP-2: take for review, ask for documents, approve (and issue), reject. Which
 * move is allowed from which state is decided by the lifecycle table (domain/application-lifecycle.ts).
 */
export class ReviewService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly dcv: DomainValidationService,
    private readonly issuance: IssuanceService,
    private readonly events: EventPublisher,
    private readonly notices: NoticeService,
  ) {}

  /** Open applications, oldest first: what the operator has to decide. */
  async queue(scope: RequestScope, args: PageRequest): Promise<ConnectionShape<Application>> {
    requireOperator(scope.caller);
    const qb = this.ds
      .getRepository(Application)
      .createQueryBuilder("a")
      .where("a.status IN (:...open)", { open: OPEN_APPLICATION_STATUSES });
    return paginate(qb, args, ["submitted_at", "id"]);
  }

  async startReview(scope: RequestScope, id: string | null): Promise<Application> {
    return this.transition(scope, id, "startReview", async (app) => {
      app.reviewerKeyId = reviewerKey(scope);
    });
  }

  /** APP-2, CAL-1/CAL-2: ask for documents, due after N business days (18:00 JST on the last one). */
  async requestDocuments(
    scope: RequestScope,
    id: string | null,
    message: string,
    dueInBusinessDays: number,
  ): Promise<Application> {
    if (message.trim().length === 0 || message.length > 2000)
      throw refusal(RefusalCode.INVALID_INPUT, "message must be 1-2000 characters.", "input.message");
    if (!Number.isInteger(dueInBusinessDays) || dueInBusinessDays < 1 || dueInBusinessDays > 60)
      throw refusal(RefusalCode.INVALID_INPUT, "dueInBusinessDays must be 1-60.", "input.dueInBusinessDays");
    return this.transition(scope, id, "requestDocuments", async (app, tx) => {
      app.documentsRequest = message.trim();
      app.documentsDueAt = businessDaysDeadline(this.clock.now(), dueInBusinessDays);
      app.reviewerKeyId = reviewerKey(scope);
      await this.events.emit(tx, {
        type: EventType.DOCUMENTS_REQUESTED,
        resellerId: app.resellerId,
        subjectType: "Application",
        subjectId: toGlobalId("Application", app.id),
        data: { message: app.documentsRequest, documentsDueAt: app.documentsDueAt.toISOString() },
      });
    });
  }

  /**
   * APP-2, APP-3: reject with a ground and a reason; submitted documents are destroyed, their record stays.
   * @rule APP-3
   */
  async reject(
    scope: RequestScope,
    id: string | null,
    ground: RejectionGround,
    reason: string,
    conduct: ProhibitedConduct[] | null = null,
  ): Promise<Application> {
    if (reason.trim().length === 0 || reason.length > 2000)
      throw refusal(RefusalCode.INVALID_INPUT, "reason must be 1-2000 characters.", "input.reason");
    return this.transition(
      scope,
      id,
      "reject",
      async (app, tx) => {
        app.refusalCode = ground;
        app.rejectionReason = reason.trim();
        app.prohibitedConduct = prohibitedConductFor(ground, conduct); // APP-7
        app.decidedAt = this.clock.now();
        app.reviewerKeyId = reviewerKey(scope);
        await tx.update(
          ApplicationDocument,
          { applicationId: app.id, destroyedAt: IsNull() },
          { content: null, destroyedAt: app.decidedAt },
        );
        await this.events.emit(tx, {
          type: EventType.APPLICATION_REJECTED,
          resellerId: app.resellerId,
          subjectType: "Application",
          subjectId: toGlobalId("Application", app.id),
          data: { ground, reason: app.rejectionReason },
        });
        // APP-2: rejected "with a notice of rejection", through the reseller (RES-5).
        await this.notices.applicationRejected(tx, app);
      },
      reason,
    );
  }

  /**
   * APP-2, CON-1, J 6.4: approval issues the certificate and its contract in the same transaction;
   * the submitting reseller becomes the managing reseller. Two approvals at once issue one certificate:
   * the application row is locked and the second finds it ISSUED.
   */
  async approve(
    scope: RequestScope,
    id: string | null,
  ): Promise<{ application: Application; certificate: Certificate }> {
    requireOperator(scope.caller);
    try {
      return await this.approveOnce(scope, id, false);
    } catch (e) {
      if (!(e instanceof CaaLookupNeeded)) throw e;
    }
    // APP-11: CAA is looked up (network) outside the transaction, then the approval is tried once more.
    await this.dcv.refreshCaa(id);
    return this.approveOnce(scope, id, true);
  }

  private async approveOnce(
    scope: RequestScope,
    id: string | null,
    caaLookedUp: boolean,
  ): Promise<{ application: Application; certificate: Certificate }> {
    let certificate: Certificate | null = null;
    const application = await this.transition(scope, id, "approve", async (app, tx) => {
      const now = this.clock.now();
      // APP-9, APP-11: every name stands on a reusable validation and a CAA result no older than 8 hours.
      await this.dcv.requireIssuable(tx, app, now, caaLookedUp);
      const issued = await this.issuance.issueForApplication(tx, scope, app);
      certificate = issued.certificate;
      app.decidedAt = now;
      app.reviewerKeyId = reviewerKey(scope);
      const subscriber = issued.subscriber;
      if (subscriber.verifiedAt === null) await tx.update(Subscriber, { id: subscriber.id }, { verifiedAt: now });
      await this.audit.record(tx, scope, {
        action: "certificate.issue",
        entityType: "Certificate",
        entityId: toGlobalId("Certificate", issued.certificate.id),
        resellerId: app.resellerId,
        after: snapshot(issued.certificate, ["der"]),
      });
      // APP-2, J 4.5, NOT-1: the issuance notice, through the reseller and to a registered NOTICE contact.
      await this.notices.certificateIssued(tx, issued.certificate, issued);
      const certificateId = toGlobalId("Certificate", issued.certificate.id);
      await this.events.emit(tx, {
        type: EventType.APPLICATION_APPROVED,
        resellerId: app.resellerId,
        subjectType: "Application",
        subjectId: toGlobalId("Application", app.id),
        data: { certificateId },
      });
      await this.events.emit(tx, {
        type: EventType.CERTIFICATE_ISSUED,
        resellerId: app.resellerId,
        subjectType: "Certificate",
        subjectId: certificateId,
        data: {
          applicationId: toGlobalId("Application", app.id),
          serialNumber: issued.certificate.serialHex,
          names: app.names,
          notBefore: issued.certificate.notBefore.toISOString(),
          notAfter: issued.certificate.notAfter.toISOString(),
        },
      });
    });
    return { application, certificate: certificate! };
  }

  /** One move of the lifecycle table, by the operator: the row locked, the state checked and set, the change audited. */
  private async transition(
    scope: RequestScope,
    id: string | null,
    move: ApplicationMove,
    change: (app: Application, tx: EntityManager) => Promise<void>,
    reason: string | null = null,
  ): Promise<Application> {
    requireOperator(scope.caller);
    const action = `application.${move}`;
    const result = await inTransaction(this.ds, async (tx) => {
      const app = id ? await findById(tx, Application, id, "FOR UPDATE") : null;
      if (!app) throw refusal(RefusalCode.NOT_FOUND, "No such application.", "input.applicationId");
      const to = applicationMove(move, app.status);
      if (to === null) {
        throw refusal(
          RefusalCode.APPLICATION_STATE,
          `The application is ${app.status}; this needs ${statusesAllowing(move).join(" or ")}.`,
          "input.applicationId",
        );
      }
      const before = snapshot(app, AUDIT_OMIT);
      const fields = { ...app };
      app.status = to;
      await change(app, tx);
      app.updatedAt = this.clock.now();
      // Only what the transition changed is written (no read-back of the row), with the audit entry at
      // commit: the row is locked, and nothing after this reads it.
      const changed = Object.fromEntries(
        Object.entries(app).filter(([k, v]) => v !== (fields as Record<string, unknown>)[k]),
      );
      updateByIdAtCommit(tx, Application, app.id, changed);
      const saved = app;
      await this.audit.record(tx, scope, {
        action,
        entityType: "Application",
        entityId: toGlobalId("Application", app.id),
        resellerId: app.resellerId,
        reason,
        before,
        after: snapshot(saved, AUDIT_OMIT),
      });
      return saved;
    });
    scope.loaders.clearAll();
    return result;
  }
}

function reviewerKey(scope: RequestScope): string | null {
  return scope.caller.kind === "OPERATOR" ? scope.caller.keyId : null;
}
