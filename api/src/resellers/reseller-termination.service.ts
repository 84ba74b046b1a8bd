import { DataSource } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { revokeAllKeysOf } from "./api-key-governance.service";
import { canSeeResellerData, requireOperator } from "../auth";
import { Certificate, CertificateSource } from "../certificates";
import { Contract, ContractStatus } from "../contracts";
import { inTransaction } from "../db/transaction";
import { formatJst } from "../domain";
import { Clock } from "../domain/clock";
import { toGlobalId } from "../ids";
import { NoticeService } from "../notices";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { RevocationRequester } from "../revocations";
import type { RevocationService } from "../revocations";
import { Subscriber } from "../subscribers";
import { HandoverExport, buildHandoverExport } from "./handover-export";
import { noticeToReseller } from "./reseller-discipline.service";
import { HANDOVER_MIN_DAYS, atLeastDaysAfter } from "./reseller-status";
import { enqueueStatusCheck, syncResellerStatus } from "./reseller-status.sync";
import { Reseller, ResellerStatus } from "./reseller.entity";
import { ResellerTermination } from "./termination.entity";

export interface TerminateInput {
  resellerId: string | null;
  /** Default: now. */
  effectiveAt?: Date | null;
  handoverDeadline: Date;
  /** REV-9; null: no auto-renew revocations are scheduled. */
  autoRenewRevocationDate?: Date | null;
  reason: string;
}

export interface TakeoverResult {
  termination: ResellerTermination;
  successor: Reseller | null;
  contractsMoved: number;
  subscribersMoved: number;
}

/** REV-9: auto-renew-type certificates of a terminated reseller are revoked for this reason. */
const REV9_REASON = "cessationOfOperation";

/** RES-11, J 6.5, REV-9: termination, the handover demand and export, and the takeover of contracts. */
export class ResellerTerminationService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly notices: NoticeService,
    private readonly revocations: RevocationService,
  ) {}

  async get(scope: RequestScope, id: string): Promise<ResellerTermination | null> {
    const t = await scope.loaders.byId(ResellerTermination).load(id);
    return t && canSeeResellerData(scope.caller, t.resellerId) ? t : null;
  }

  async termination(scope: RequestScope, reseller: Reseller): Promise<ResellerTermination | null> {
    if (!canSeeResellerData(scope.caller, reseller.id)) return null;
    return this.ds.getRepository(ResellerTermination).findOneBy({ resellerId: reseller.id });
  }

  /**
   * RES-11: ends the reseller's contract at `effectiveAt` (its keys stop working then), demands the
   * handover data by a deadline at least 10 days ahead, and (REV-9) schedules the revocation of the
   * auto-renew-type certificates it manages on the operator's date.
   * @rule RES-11
   */
  async terminate(
    scope: RequestScope,
    input: TerminateInput,
  ): Promise<{ termination: ResellerTermination; scheduledRevocations: number }> {
    requireOperator(scope.caller);
    const now = this.clock.now();
    const effectiveAt = input.effectiveAt ?? now;
    const reason = input.reason.trim();
    if (reason.length === 0 || reason.length > 5000)
      throw refusal(RefusalCode.INVALID_INPUT, "reason must be 1 to 5000 characters.", "input.reason");
    if (effectiveAt < now)
      throw refusal(RefusalCode.INVALID_INPUT, "effectiveAt cannot be in the past.", "input.effectiveAt");
    if (!atLeastDaysAfter(input.handoverDeadline, now, HANDOVER_MIN_DAYS)) {
      throw refusal(
        RefusalCode.HANDOVER_DEADLINE_TOO_SOON,
        `The handover deadline must be at least ${HANDOVER_MIN_DAYS} days ahead (RES-11).`,
        "input.handoverDeadline",
        "引継ぎ情報の提出期限は10日以上先でなければなりません。",
      );
    }
    const revokeOn = input.autoRenewRevocationDate ?? null;
    if (revokeOn && revokeOn < effectiveAt)
      throw refusal(
        RefusalCode.INVALID_INPUT,
        "autoRenewRevocationDate cannot be before effectiveAt.",
        "input.autoRenewRevocationDate",
      );
    return inTransaction(this.ds, async (tx) => {
      const reseller = input.resellerId
        ? await tx.findOne(Reseller, { where: { id: input.resellerId }, lock: { mode: "pessimistic_write" } })
        : null;
      if (!reseller) throw refusal(RefusalCode.NOT_FOUND, "No such reseller.", "input.resellerId");
      if (await tx.findOneBy(ResellerTermination, { resellerId: reseller.id }))
        throw refusal(
          RefusalCode.RESELLER_TERMINATED,
          "The reseller's termination has already been decided.",
          "input.resellerId",
        );
      const termination = await tx.save(
        tx.create(ResellerTermination, {
          resellerId: reseller.id,
          decidedAt: now,
          effectiveAt,
          handoverDeadline: input.handoverDeadline,
          autoRenewRevocationDate: revokeOn,
          reason,
          takenOverAt: null,
          successorResellerId: null,
        }),
      );
      await this.audit.record(tx, scope, {
        action: "reseller.terminate",
        entityType: "ResellerTermination",
        entityId: termination.nodeId,
        resellerId: reseller.id,
        reason,
        after: snapshot(termination),
      });
      // Keys end exactly at the effective time, whether or not the status job has run by then.
      await revokeAllKeysOf(tx, this.audit, scope, reseller.id, effectiveAt, "RES-11: the reseller's contract ends");
      if (effectiveAt > now) await enqueueStatusCheck(tx, reseller.id, effectiveAt);
      await syncResellerStatus(tx, this.audit, scope, reseller.id, now);
      await noticeToReseller(
        tx,
        this.notices,
        reseller,
        "RESELLER_TERMINATION",
        "指定の取消し・引継ぎ情報の提出依頼 / Termination and handover demand",
        `契約終了日 / Effective: ${formatJst(effectiveAt)}\n引継ぎ情報の提出期限 / Handover data due (free of charge): ${formatJst(input.handoverDeadline)}\n` +
          (revokeOn ? `自動更新型証明書の失効日 / Auto-renew certificates revoked on: ${formatJst(revokeOn)}\n` : "") +
          `理由 / Reason: ${reason}`,
      );
      let scheduledRevocations = 0;
      if (revokeOn)
        scheduledRevocations = await this.scheduleAutoRenewRevocations(tx, scope, reseller.id, revokeOn, now);
      return { termination, scheduledRevocations };
    });
  }

  /**
   * REV-9: one SCHEDULED revocation per live auto-renew-type certificate the reseller manages.
   * @rule REV-9
   */
  private async scheduleAutoRenewRevocations(
    tx: import("typeorm").EntityManager,
    scope: RequestScope,
    resellerId: string,
    on: Date,
    now: Date,
  ): Promise<number> {
    const certs = await tx
      .createQueryBuilder(Certificate, "c")
      .innerJoin(Contract, "k", "k.id = c.contract_id")
      .innerJoin("product", "p", "p.id = k.product_id")
      .where("k.reseller_id = :resellerId AND k.status = :active AND p.auto_renew", {
        resellerId,
        active: ContractStatus.ACTIVE,
      })
      .andWhere("c.source = :issued AND c.revoked_at IS NULL AND c.not_after > :now", {
        issued: CertificateSource.ISSUED,
        now,
      })
      .andWhere("NOT EXISTS (SELECT 1 FROM revocation r WHERE r.certificate_id = c.id AND r.status = 'SCHEDULED')")
      .orderBy("c.created_at")
      .getMany();
    for (const cert of certs) {
      // REV-9, NOT-1: through the one scheduling path, so the reseller's feed hears of each one as well.
      await this.revocations.schedule(
        tx,
        scope,
        { certificate: cert, resellerId },
        {
          reason: REV9_REASON,
          executeAt: on,
          requestedBy: RevocationRequester.OPERATOR,
          requesterKeyId: scope.caller.kind === "OPERATOR" ? scope.caller.keyId : null,
          operatorGround: "REV-9: the managing reseller's contract has ended",
          comment: null,
          auditReason: "REV-9",
        },
      );
    }
    return certs.length;
  }

  /** RES-11: the handover file (operator only). */
  async handoverExport(scope: RequestScope, resellerId: string | null): Promise<HandoverExport | null> {
    requireOperator(scope.caller);
    return inTransaction(this.ds, async (tx) => {
      const reseller = resellerId ? await tx.findOneBy(Reseller, { id: resellerId }) : null;
      return reseller ? buildHandoverExport(tx, reseller, this.clock.now()) : null;
    });
  }

  /**
   * RES-11, J 6.5: the terminated reseller's remaining (active) contracts go to the operator (managing
   * reseller null) or to a named successor, which then manages them and their subscribers. Every
   * moved object gets its own audit entry.
   */
  async takeOver(
    scope: RequestScope,
    input: { resellerId: string | null; successorResellerId: string | null },
  ): Promise<TakeoverResult> {
    requireOperator(scope.caller);
    const now = this.clock.now();
    return inTransaction(this.ds, async (tx) => {
      const reseller = input.resellerId
        ? await tx.findOne(Reseller, { where: { id: input.resellerId }, lock: { mode: "pessimistic_write" } })
        : null;
      if (!reseller) throw refusal(RefusalCode.NOT_FOUND, "No such reseller.", "input.resellerId");
      await syncResellerStatus(tx, this.audit, scope, reseller.id, now);
      const termination = await tx.findOne(ResellerTermination, {
        where: { resellerId: reseller.id },
        lock: { mode: "pessimistic_write" },
      });
      if (!termination || termination.effectiveAt > now)
        throw refusal(
          RefusalCode.RESELLER_NOT_TERMINATED,
          "Contracts are taken over only after the reseller's contract has ended.",
          "input.resellerId",
        );
      if (termination.takenOverAt)
        throw refusal(RefusalCode.CONFLICT, "The contracts have already been taken over.", "input.resellerId");
      let successor: Reseller | null = null;
      if (input.successorResellerId !== null) {
        successor = await tx.findOne(Reseller, {
          where: { id: input.successorResellerId },
          lock: { mode: "pessimistic_write" },
        });
        if (!successor || successor.id === reseller.id)
          throw refusal(RefusalCode.NOT_FOUND, "No such successor reseller.", "input.successorResellerId");
        await syncResellerStatus(tx, this.audit, scope, successor.id, now);
        if (successor.status !== ResellerStatus.ACTIVE)
          throw refusal(
            RefusalCode.RESELLER_SUSPENDED,
            `The successor is ${successor.status.toLowerCase()}.`,
            "input.successorResellerId",
          );
      }
      const to = successor?.id ?? null;
      const contracts = await tx
        .createQueryBuilder(Contract, "k")
        .setLock("pessimistic_write")
        .where("k.reseller_id = :id AND k.status = :active", { id: reseller.id, active: ContractStatus.ACTIVE })
        .orderBy("k.created_at")
        .getMany();
      for (const c of contracts) {
        const before = snapshot(c);
        c.resellerId = to;
        await tx.update(Contract, { id: c.id }, { resellerId: to });
        await this.audit.record(tx, scope, {
          action: "contract.takeOver",
          entityType: "Contract",
          entityId: toGlobalId("Contract", c.id),
          resellerId: reseller.id,
          reason: to ? `to reseller ${successor!.code}` : "to the operator",
          before,
          after: snapshot(c),
        });
      }
      // The subscribers follow to a successor reseller; taken over by the operator they stay on record
      // under the terminated reseller (a subscriber always has one), which can no longer reach them.
      let subscribersMoved = 0;
      if (successor) {
        const subscribers = await tx
          .createQueryBuilder(Subscriber, "s")
          .setLock("pessimistic_write")
          .where("s.reseller_id = :id", { id: reseller.id })
          .orderBy("s.created_at")
          .getMany();
        for (const s of subscribers) {
          const before = snapshot(s);
          s.resellerId = successor.id;
          s.updatedAt = now;
          await tx.update(Subscriber, { id: s.id }, { resellerId: successor.id, updatedAt: now });
          await this.audit.record(tx, scope, {
            action: "subscriber.takeOver",
            entityType: "Subscriber",
            entityId: toGlobalId("Subscriber", s.id),
            resellerId: reseller.id,
            reason: `to reseller ${successor.code}`,
            before,
            after: snapshot(s),
          });
        }
        subscribersMoved = subscribers.length;
      }
      const before = snapshot(termination);
      termination.takenOverAt = now;
      termination.successorResellerId = to;
      await tx.save(termination);
      await this.audit.record(tx, scope, {
        action: "reseller.takeOver",
        entityType: "ResellerTermination",
        entityId: termination.nodeId,
        resellerId: reseller.id,
        reason: `${contracts.length} contracts, ${subscribersMoved} subscribers`,
        before,
        after: snapshot(termination),
      });
      scope.loaders.clearAll();
      return { termination, successor, contractsMoved: contracts.length, subscribersMoved };
    });
  }
}
