import { DataSource, EntityManager, IsNull, MoreThan } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { Actor, canSeeResellerData, requireAuthenticated } from "../auth";
import { Certificate, CertificateSource } from "../certificates";
import { Contract, ContractEndReason, ContractStatus, endContract } from "../contracts";
import { inTransaction } from "../db/transaction";
import { RevocationActor, canWithdrawRevocation, planRevocation, revocationDeadline } from "../domain";
import { Clock } from "../domain/clock";
import { toGlobalId } from "../ids";
import { JobHandler, enqueueJob } from "../jobs/job-runner";
import { RefusalCode, fromDomain, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { EventPublisher, EventType } from "../events";
import { NoticeService } from "../notices";
import { StatusPublisher } from "../status";
import { RevocationReason } from "./revocation-reason";
import { withRevocationGround } from "./reseller-ground";
import { revocationAuditStates } from "./revocation-audit";
import { Revocation, RevocationRequester, RevocationStatus } from "./revocation.entity";

export const EXECUTE_SCHEDULED_JOB = "revocation.execute";

export interface RevocationRequestInput {
  certificateId: string | null;
  reason: string;
  /** Reseller callers: true when the subscriber asked (REV-1 subscriber reasons), false for the reseller's own request (REV-3). */
  onBehalfOfSubscriber: boolean;
  /** REV-2: at the end of the current month (JST) instead of at once; only cessationOfOperation and superseded. */
  atEndOfMonth: boolean;
  comment?: string | null;
  /** REV-4: the operator's ground, e.g. "fee not paid by its due date". */
  operatorGround?: string | null;
}

export interface RevocationOutcome {
  certificate: Certificate;
  revocation: Revocation | null;
  /** The certificate was already revoked: nothing changed (REV-7). */
  alreadyRevoked: boolean;
}

/** Extra facts recorded with an executed revocation. */
export interface ExecutionContext {
  requestedBy: RevocationRequester;
  requesterKeyId: string | null;
  comment?: string | null;
  operatorGround?: string | null;
  problemReportId?: string | null;
  massRevocationId?: string | null;
}

/** What a scheduled revocation records. Every site that schedules one (REV-2 request, REV-9 termination, VAL-4 reissue) gives these. */
export interface ScheduleRevocation {
  reason: RevocationReason;
  executeAt: Date;
  requestedBy: RevocationRequester;
  requesterKeyId: string | null;
  comment?: string | null;
  operatorGround?: string | null;
  /** Why, in the audit entry. */
  auditReason: string | null;
  /** The input a REV-2 refusal (already scheduled) points at; default input.certificateId. */
  refusalField?: string;
}

/** The certificate to revoke and the reseller whose feed and audit trail the scheduling belongs to. */
export interface RevocationTarget {
  certificate: Pick<Certificate, "id" | "serialHex">;
  resellerId: string | null;
}

/**
 * Revocation requests (REV-1..REV-7): who may ask for which reason, immediate or at the month's end,
 * withdrawal of a scheduled one, and execution — the one place a certificate becomes revoked.
 */
export class RevocationService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly status: StatusPublisher,
    private readonly events: EventPublisher,
    private readonly notices: NoticeService,
  ) {}

  async request(scope: RequestScope, asked: RevocationRequestInput): Promise<RevocationOutcome> {
    requireAuthenticated(scope.caller);
    const onBehalf = asked.onBehalfOfSubscriber ? "SUBSCRIBER" : "RESELLER";
    const actor: RevocationActor = scope.caller.kind === "RESELLER" ? onBehalf : "OPERATOR";
    const input = withRevocationGround(actor, asked); // REV-3
    const result = await inTransaction(this.ds, async (tx) => {
      const cert = input.certificateId
        ? await tx.findOne(Certificate, { where: { id: input.certificateId }, lock: { mode: "pessimistic_write" } })
        : null;
      const contract = cert ? await tx.findOneBy(Contract, { id: cert.contractId }) : null;
      if (!cert || !contract || !canSeeResellerData(scope.caller, contract.resellerId))
        throw refusal(RefusalCode.NOT_FOUND, "No such certificate.", "input.certificateId");
      if (cert.source !== CertificateSource.ISSUED)
        throw refusal(
          RefusalCode.INVALID_INPUT,
          "Imported certificates are revoked by the CA that issued them; end the management contract instead.",
          "input.certificateId",
        );
      const now = this.clock.now();
      const plan = planRevocation({ actor, reason: input.reason, requestedAt: now, atEndOfMonth: input.atEndOfMonth });
      if (!plan.ok) throw fromDomain(plan, "input.reason");
      // REV-7: revoking a revoked certificate changes nothing, and says so.
      if (cert.revokedAt)
        return { certificate: cert, revocation: await this.executedOf(tx, cert.id), alreadyRevoked: true };
      const requestedBy = actor as RevocationRequester;
      const requesterKeyId =
        scope.caller.kind === "OPERATOR" || scope.caller.kind === "RESELLER" ? scope.caller.keyId : null;
      if (plan.scheduled) {
        const revocation = await this.schedule(
          tx,
          scope,
          { certificate: cert, resellerId: contract.resellerId },
          {
            reason: plan.reason,
            executeAt: plan.executeAt,
            requestedBy,
            requesterKeyId,
            comment: input.comment,
            operatorGround: input.operatorGround,
            auditReason: input.comment ?? null,
          },
        );
        return { certificate: cert, revocation, alreadyRevoked: false };
      }
      const revocation = await this.execute(tx, scope, cert, plan.reason, {
        requestedBy,
        requesterKeyId,
        comment: input.comment,
        operatorGround: input.operatorGround,
      });
      return { certificate: cert, revocation, alreadyRevoked: false };
    });
    scope.loaders.clearAll();
    return result;
  }

  /**
   * The one writer of a SCHEDULED revocation, in the caller's transaction: the row with its REV-10
   * deadline, the job that executes it at its time, the revocation.scheduled event (NOT-1) and the
   * audit entry. A second scheduled revocation of one certificate is refused (REV-2: withdraw the
   * first); the lock keeps a withdrawal committing meanwhile from being overwritten.
   */
  async schedule(
    tx: EntityManager,
    actor: Actor,
    target: RevocationTarget,
    s: ScheduleRevocation,
  ): Promise<Revocation> {
    const cert = target.certificate;
    const pending = await tx.findOne(Revocation, {
      where: { certificateId: cert.id, status: RevocationStatus.SCHEDULED },
      lock: { mode: "pessimistic_write" },
    });
    if (pending)
      throw refusal(
        RefusalCode.REVOCATION_ALREADY_SCHEDULED,
        `A revocation is already scheduled for ${pending.scheduledFor?.toISOString()}; withdraw it first.`,
        s.refusalField ?? "input.certificateId",
      );
    const now = this.clock.now();
    const revocation = await tx.save(
      tx.create(Revocation, {
        certificateId: cert.id,
        requestedBy: s.requestedBy,
        requesterKeyId: s.requesterKeyId,
        reason: s.reason,
        operatorGround: s.operatorGround ?? null,
        comment: s.comment ?? null,
        status: RevocationStatus.SCHEDULED,
        requestedAt: now,
        scheduledFor: s.executeAt,
        deadlineAt: revocationDeadline({ reason: s.reason, receivedAt: now, scheduledFor: s.executeAt }), // REV-10
        executedAt: null,
        withdrawnAt: null,
        problemReportId: null,
        massRevocationId: null,
      }),
    );
    // REV-2, REV-9, VAL-4: executed by a job at its time, exactly once across replicas.
    await enqueueJob(tx, {
      kind: EXECUTE_SCHEDULED_JOB,
      runAt: s.executeAt,
      uniqueKey: `revocation:${revocation.id}`,
      payload: { revocationId: revocation.id },
    });
    await this.events.emit(tx, {
      type: EventType.REVOCATION_SCHEDULED,
      resellerId: target.resellerId,
      subjectType: "Certificate",
      subjectId: toGlobalId("Certificate", cert.id),
      data: {
        serialNumber: cert.serialHex,
        reason: s.reason,
        scheduledFor: s.executeAt.toISOString(),
        revocationId: toGlobalId("Revocation", revocation.id),
      },
    });
    await this.audit.record(tx, actor, {
      action: "revocation.schedule",
      entityType: "Certificate",
      entityId: toGlobalId("Certificate", cert.id),
      resellerId: target.resellerId,
      reason: s.auditReason,
      after: snapshot(revocation),
    });
    return revocation;
  }

  /** REV-2, REV-7: a scheduled revocation can be withdrawn until it is executed. */
  async withdraw(scope: RequestScope, revocationId: string | null): Promise<Revocation> {
    requireAuthenticated(scope.caller);
    const result = await inTransaction(this.ds, async (tx) => {
      const r = revocationId
        ? await tx.findOne(Revocation, { where: { id: revocationId }, lock: { mode: "pessimistic_write" } })
        : null;
      const cert = r ? await tx.findOneBy(Certificate, { id: r.certificateId }) : null;
      const contract = cert ? await tx.findOneBy(Contract, { id: cert.contractId }) : null;
      if (!r || !contract || !canSeeResellerData(scope.caller, contract.resellerId))
        throw refusal(RefusalCode.NOT_FOUND, "No such revocation.", "input.revocationId");
      // REV-2: the subscriber (through its reseller) may withdraw its own end-of-month request; what the
      // operator or the system scheduled (REV-4, REV-9, a reissue's VAL-4) only the operator may withdraw.
      const own = r.requestedBy === RevocationRequester.SUBSCRIBER || r.requestedBy === RevocationRequester.RESELLER;
      if (scope.caller.kind === "RESELLER" && !own) {
        throw refusal(
          RefusalCode.REVOCATION_NOT_WITHDRAWABLE,
          "This revocation was scheduled by the operator; only the operator can withdraw it.",
          "input.revocationId",
          "この失効は当社が予定したもので、取り下げできません。",
        );
      }
      const now = this.clock.now();
      const ok = canWithdrawRevocation({ state: r.status, executeAt: r.scheduledFor ?? r.requestedAt, now });
      if (!ok.ok) throw fromDomain(ok, "input.revocationId");
      const before = snapshot(r);
      r.status = RevocationStatus.WITHDRAWN;
      r.withdrawnAt = now;
      const saved = await tx.save(r);
      await this.events.emit(tx, {
        type: EventType.REVOCATION_WITHDRAWN,
        resellerId: contract.resellerId,
        subjectType: "Certificate",
        subjectId: toGlobalId("Certificate", r.certificateId),
        data: { revocationId: toGlobalId("Revocation", r.id), serialNumber: cert!.serialHex },
      });
      await this.audit.record(tx, scope, {
        action: "revocation.withdraw",
        entityType: "Certificate",
        entityId: toGlobalId("Certificate", r.certificateId),
        resellerId: contract.resellerId,
        before,
        after: snapshot(saved),
      });
      return saved;
    });
    scope.loaders.clearAll();
    return result;
  }

  /**
   * Revokes `cert` now, in the caller's transaction: the certificate row, the revocation record, the
   * end of its contract (REV-6; no refund), the audit entry, and the publication to CRL/OCSP/status.
   * A scheduled revocation pending for the same certificate is superseded (marked executed by this one).
   * @rule REV-6 — no refund: the charge ledger's trigger in migrations/1763700000800-fees.ts
   */
  async execute(
    tx: EntityManager,
    actor: Actor,
    cert: Certificate,
    reason: RevocationReason,
    ctx: ExecutionContext,
  ): Promise<Revocation> {
    const now = this.clock.now();
    const executedAt = new Date(Math.floor(now.getTime() / 1000) * 1000); // CRL and OCSP carry whole seconds
    cert.revokedAt = executedAt;
    cert.revocationReason = reason;
    await tx.update(Certificate, { id: cert.id }, { revokedAt: executedAt, revocationReason: reason });
    const pending = await tx.findOneBy(Revocation, { certificateId: cert.id, status: RevocationStatus.SCHEDULED });
    let revocation: Revocation;
    if (pending) {
      pending.status = RevocationStatus.EXECUTED;
      pending.executedAt = executedAt;
      pending.reason = reason;
      revocation = await tx.save(pending);
    } else {
      revocation = await tx.save(
        tx.create(Revocation, {
          certificateId: cert.id,
          requestedBy: ctx.requestedBy,
          requesterKeyId: ctx.requesterKeyId,
          reason,
          operatorGround: ctx.operatorGround ?? null,
          comment: ctx.comment ?? null,
          status: RevocationStatus.EXECUTED,
          requestedAt: now,
          scheduledFor: null,
          deadlineAt: revocationDeadline({ reason, receivedAt: now }),
          executedAt,
          withdrawnAt: null,
          problemReportId: ctx.problemReportId ?? null,
          massRevocationId: ctx.massRevocationId ?? null,
        }),
      );
    }
    const contract = await tx.findOne(Contract, {
      where: { id: cert.contractId },
      lock: { mode: "pessimistic_write" },
    });
    await this.audit.record(tx, actor, {
      action: "certificate.revoke",
      entityType: "Certificate",
      entityId: toGlobalId("Certificate", cert.id),
      resellerId: contract?.resellerId ?? null,
      reason: ctx.comment ?? ctx.operatorGround ?? reason,
      ...revocationAuditStates(cert, revocation),
    });
    // REV-6: revocation ends the service — unless another certificate of the contract is still in force (a reissue).
    if (contract && contract.status === ContractStatus.ACTIVE) {
      const others = await tx.count(Certificate, {
        where: { contractId: contract.id, revokedAt: IsNull(), notAfter: MoreThan(now) },
      });
      if (others === 0) {
        await endContract(
          tx,
          { audit: this.audit, events: this.events },
          actor,
          contract,
          ContractEndReason.REVOKED,
          executedAt,
        );
      }
    }
    await this.status.certificatesRevoked(tx, [cert]);
    // REV-2: revocation is executed with notice, through the managing reseller (NOT-1, RES-5).
    await this.notices.revocationExecuted(tx, cert, reason);
    await this.events.emit(tx, {
      type: EventType.REVOCATION_EXECUTED,
      resellerId: contract?.resellerId ?? null,
      subjectType: "Certificate",
      subjectId: toGlobalId("Certificate", cert.id),
      data: { serialNumber: cert.serialHex, reason, revokedAt: executedAt.toISOString() },
    });
    return revocation;
  }

  /** The job: executes the scheduled revocation unless it was withdrawn (or the certificate was revoked otherwise). */
  executeScheduledJob(): JobHandler {
    return async (job, tx) => {
      const id = String(job.payload.revocationId);
      const found = await tx.findOne(Revocation, {
        select: { id: true, certificateId: true, status: true },
        where: { id },
      });
      // A revocation that is no longer scheduled never is again (withdrawn or executed for good, REV-7).
      if (!found || found.status !== RevocationStatus.SCHEDULED) return;
      // The certificate first, then its revocation: the order in which every other revoking path locks
      // them (a request, a mass revocation's batch), so that none of them waits for this in a cycle.
      const cert = await tx.findOneOrFail(Certificate, {
        where: { id: found.certificateId },
        lock: { mode: "pessimistic_write" },
      });
      const r = await tx.findOne(Revocation, { where: { id }, lock: { mode: "pessimistic_write" } });
      if (!r || r.status !== RevocationStatus.SCHEDULED || cert.revokedAt) return;
      await this.execute(
        tx,
        { caller: { kind: "SYSTEM", label: "revocation-executor" }, requestId: null },
        cert,
        r.reason,
        { requestedBy: r.requestedBy, requesterKeyId: r.requesterKeyId },
      );
    };
  }

  /** A revocation, if the caller may see its certificate. */
  async get(scope: RequestScope, id: string): Promise<Revocation | null> {
    const r = await scope.loaders.byId(Revocation).load(id);
    const cert = r ? await scope.loaders.byId(Certificate).load(r.certificateId) : null;
    const contract = cert ? await scope.loaders.byId(Contract).load(cert.contractId) : null;
    return r && contract && canSeeResellerData(scope.caller, contract.resellerId) ? r : null;
  }

  /** Revocation history of a certificate the caller already may see (REV-7: nothing is erased). */
  async history(scope: RequestScope, certificate: Certificate): Promise<Revocation[]> {
    return scope.loaders.manyBy(Revocation, "certificateId", { requestedAt: "ASC" }).load(certificate.id);
  }

  private executedOf(tx: EntityManager, certificateId: string): Promise<Revocation | null> {
    return tx.findOneBy(Revocation, { certificateId, status: RevocationStatus.EXECUTED });
  }
}
