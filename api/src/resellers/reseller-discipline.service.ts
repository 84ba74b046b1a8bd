import { DataSource, EntityManager, IsNull } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { revokeAllKeysOf } from "./api-key-governance.service";
import { canSeeResellerData, requireOperator } from "../auth";
import { inTransaction } from "../db/transaction";
import { formatJst } from "../domain";
import { Clock } from "../domain/clock";
import { Notice, NoticeLanguage, NoticeRecipient, NoticeService } from "../notices";
import { EventPublisher } from "../events";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { CureNoticeGround, ResellerCureNotice } from "./cure-notice.entity";
import { CURE_NOTICE_MIN_DAYS, atLeastDaysAfter } from "./reseller-status";
import { enqueueStatusCheck, syncResellerStatus } from "./reseller-status.sync";
import { Reseller, ResellerStatus } from "./reseller.entity";
import { ResellerSuspension } from "./suspension.entity";

export interface CureNoticeInput {
  resellerId: string | null;
  ground: CureNoticeGround;
  detail: string;
  deadline: Date;
}

export interface SuspendInput {
  resellerId: string | null;
  cureNoticeId: string | null;
  /** Default: now. */
  startsAt?: Date | null;
  /** Null: until cured. */
  endsAt?: Date | null;
  reason: string;
}

/** A notice to the reseller itself (RES-8: the cure notice and the suspension notice are sent to it). */
export async function noticeToReseller(
  tx: EntityManager,
  notices: NoticeService,
  reseller: Reseller,
  kind: string,
  subject: string,
  body: string,
): Promise<Notice | null> {
  return notices.queue(tx, {
    kind,
    recipient: NoticeRecipient.RESELLER,
    resellerId: reseller.id,
    language: NoticeLanguage.JA,
    subject,
    body,
  });
}

function requireText(value: string, field: string, max = 5000): string {
  const v = value.trim();
  if (v.length === 0 || v.length > max)
    throw refusal(RefusalCode.INVALID_INPUT, `${field.replace("input.", "")} must be 1 to ${max} characters.`, field);
  return v;
}

/**
 * RES-8, RES-9: cure notices, suspensions after an uncured notice, immediate suspensions, lifting.
 * @rule RES-8 — application-checks.ts and reseller-acme.ts refuse through reseller-status.ts
 */
export class ResellerDisciplineService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly notices: NoticeService,
    private readonly events: EventPublisher | null = null,
  ) {}

  /** RES-3: the reseller sees its own cure notices; operators all. */
  async getCureNotice(scope: RequestScope, id: string): Promise<ResellerCureNotice | null> {
    const n = await scope.loaders.byId(ResellerCureNotice).load(id);
    return n && canSeeResellerData(scope.caller, n.resellerId) ? n : null;
  }

  async getSuspension(scope: RequestScope, id: string): Promise<ResellerSuspension | null> {
    const s = await scope.loaders.byId(ResellerSuspension).load(id);
    return s && canSeeResellerData(scope.caller, s.resellerId) ? s : null;
  }

  private async liveReseller(tx: EntityManager, resellerId: string | null): Promise<Reseller> {
    const reseller = resellerId
      ? await tx.findOne(Reseller, { where: { id: resellerId }, lock: { mode: "pessimistic_write" } })
      : null;
    if (!reseller) throw refusal(RefusalCode.NOT_FOUND, "No such reseller.", "input.resellerId");
    if (reseller.status === ResellerStatus.TERMINATED)
      throw refusal(RefusalCode.RESELLER_TERMINATED, "The reseller's contract has ended.", "input.resellerId");
    return reseller;
  }

  /** RES-8: one of the three grounds, and a deadline at least 30 days ahead. */
  async issueCureNotice(scope: RequestScope, input: CureNoticeInput): Promise<ResellerCureNotice> {
    requireOperator(scope.caller);
    const now = this.clock.now();
    if (!Object.values(CureNoticeGround).includes(input.ground))
      throw refusal(RefusalCode.INVALID_INPUT, "Unknown ground.", "input.ground");
    const detail = requireText(input.detail, "input.detail");
    if (!atLeastDaysAfter(input.deadline, now, CURE_NOTICE_MIN_DAYS)) {
      throw refusal(
        RefusalCode.CURE_DEADLINE_TOO_SOON,
        `The cure deadline must be at least ${CURE_NOTICE_MIN_DAYS} days after the notice (RES-8): ${formatJst(new Date(now.getTime() + CURE_NOTICE_MIN_DAYS * 86_400_000))} or later.`,
        "input.deadline",
        "是正期限は通知から30日以上先でなければなりません。",
      );
    }
    return inTransaction(this.ds, async (tx) => {
      const reseller = await this.liveReseller(tx, input.resellerId);
      // The same notice again (a retry) is the notice already given: no second notice, no second e-mail.
      const same = await tx.findOneBy(ResellerCureNotice, {
        resellerId: reseller.id,
        ground: input.ground,
        detail,
        deadline: input.deadline,
        curedAt: IsNull(),
      });
      if (same) return same;
      const notice = await tx.save(
        tx.create(ResellerCureNotice, {
          resellerId: reseller.id,
          ground: input.ground,
          detail,
          issuedAt: now,
          deadline: input.deadline,
          curedAt: null,
        }),
      );
      await noticeToReseller(
        tx,
        this.notices,
        reseller,
        "RESELLER_CURE_NOTICE",
        "是正の催告 / Notice to cure",
        `${detail}\n\n是正期限 / Cure by: ${formatJst(input.deadline)}\n事由 / Ground: ${input.ground}\n期限までに是正されない場合、取次業務を停止することがあります。 / If not cured by then, brokering may be suspended (RES-8).`,
      );
      await this.audit.record(tx, scope, {
        action: "reseller.cureNotice",
        entityType: "ResellerCureNotice",
        entityId: notice.nodeId,
        resellerId: reseller.id,
        reason: input.ground,
        after: snapshot(notice),
      });
      return notice;
    });
  }

  /** RES-8: the breach is cured; suspensions "until cured" under this notice end now. */
  async markCured(scope: RequestScope, cureNoticeId: string | null): Promise<ResellerCureNotice> {
    requireOperator(scope.caller);
    const now = this.clock.now();
    return inTransaction(this.ds, async (tx) => {
      const notice = cureNoticeId
        ? await tx.findOne(ResellerCureNotice, { where: { id: cureNoticeId }, lock: { mode: "pessimistic_write" } })
        : null;
      if (!notice) throw refusal(RefusalCode.NOT_FOUND, "No such cure notice.", "input.cureNoticeId");
      if (notice.curedAt) return notice;
      const before = snapshot(notice);
      notice.curedAt = now;
      await tx.save(notice);
      await this.audit.record(tx, scope, {
        action: "reseller.cureNotice.cured",
        entityType: "ResellerCureNotice",
        entityId: notice.nodeId,
        resellerId: notice.resellerId,
        before,
        after: snapshot(notice),
      });
      const open = await tx
        .createQueryBuilder(ResellerSuspension, "s")
        .where("s.cure_notice_id = :id AND s.ends_at IS NULL AND s.lifted_at IS NULL", { id: notice.id })
        .getMany();
      for (const s of open) await this.lift(tx, scope, s, now, "cured");
      await syncResellerStatus(tx, this.audit, scope, notice.resellerId, now, this.events);
      return notice;
    });
  }

  /** RES-8: only after an uncured notice's deadline has passed; start, end (or until cured) and reason are notified. */
  async suspend(scope: RequestScope, input: SuspendInput): Promise<ResellerSuspension> {
    requireOperator(scope.caller);
    const now = this.clock.now();
    const reason = requireText(input.reason, "input.reason");
    const startsAt = input.startsAt ?? now;
    const endsAt = input.endsAt ?? null;
    if (endsAt !== null && endsAt <= startsAt)
      throw refusal(RefusalCode.INVALID_INPUT, "endsAt must be after startsAt.", "input.endsAt");
    if (endsAt !== null && endsAt <= now)
      throw refusal(RefusalCode.INVALID_INPUT, "endsAt must be in the future.", "input.endsAt");
    return inTransaction(this.ds, async (tx) => {
      const reseller = await this.liveReseller(tx, input.resellerId);
      const notice = input.cureNoticeId ? await tx.findOneBy(ResellerCureNotice, { id: input.cureNoticeId }) : null;
      if (!notice || notice.resellerId !== reseller.id)
        throw refusal(RefusalCode.NOT_FOUND, "No such cure notice to this reseller.", "input.cureNoticeId");
      if (notice.curedAt)
        throw refusal(
          RefusalCode.CONFLICT,
          "The breach was cured; issue a new cure notice first.",
          "input.cureNoticeId",
        );
      if (now < notice.deadline) {
        throw refusal(
          RefusalCode.CURE_DEADLINE_NOT_PASSED,
          `The cure deadline ${formatJst(notice.deadline)} has not passed (RES-8).`,
          "input.cureNoticeId",
          "是正期限が経過していません。",
        );
      }
      if (startsAt < notice.deadline)
        throw refusal(
          RefusalCode.INVALID_INPUT,
          "A suspension cannot start before the cure deadline.",
          "input.startsAt",
        );
      // One suspension in force per cure notice: a retry returns it; a different one is refused.
      const open = await tx.findOneBy(ResellerSuspension, { cureNoticeId: notice.id, liftedAt: IsNull() });
      if (open && (open.endsAt === null || open.endsAt > now)) {
        if (
          open.reason === reason &&
          (input.startsAt == null || open.startsAt.getTime() === startsAt.getTime()) &&
          (open.endsAt?.getTime() ?? null) === (endsAt?.getTime() ?? null)
        )
          return open;
        throw refusal(
          RefusalCode.RESELLER_SUSPENDED,
          "The reseller is already suspended under this cure notice; lift that suspension first.",
          "input.cureNoticeId",
          "この是正の催告による停止がすでにあります。",
        );
      }
      const suspension = await tx.save(
        tx.create(ResellerSuspension, {
          resellerId: reseller.id,
          cureNoticeId: notice.id,
          immediate: false,
          reason,
          startsAt,
          endsAt,
          liftedAt: null,
        }),
      );
      await this.afterSuspending(tx, scope, reseller, suspension, now);
      return suspension;
    });
  }

  /**
   * RES-9: compromised credentials or a material breach of the credential rules: every key stops
   * working and the reseller is suspended, in one transaction, until the operator lifts it.
   * @rule RES-9
   */
  async suspendImmediately(
    scope: RequestScope,
    input: { resellerId: string | null; reason: string },
  ): Promise<{ suspension: ResellerSuspension; revokedKeyCount: number }> {
    requireOperator(scope.caller);
    const now = this.clock.now();
    const reason = requireText(input.reason, "input.reason");
    return inTransaction(this.ds, async (tx) => {
      const reseller = await this.liveReseller(tx, input.resellerId);
      // Already suspended at once and not lifted: a retry changes nothing (its keys are already revoked).
      const open = await tx.findOneBy(ResellerSuspension, {
        resellerId: reseller.id,
        immediate: true,
        liftedAt: IsNull(),
        endsAt: IsNull(),
      });
      if (open) return { suspension: open, revokedKeyCount: 0 };
      const revokedKeyCount = await revokeAllKeysOf(tx, this.audit, scope, reseller.id, now, `RES-9: ${reason}`);
      const suspension = await tx.save(
        tx.create(ResellerSuspension, {
          resellerId: reseller.id,
          cureNoticeId: null,
          immediate: true,
          reason,
          startsAt: now,
          endsAt: null,
          liftedAt: null,
        }),
      );
      await this.afterSuspending(tx, scope, reseller, suspension, now);
      return { suspension, revokedKeyCount };
    });
  }

  /** RES-8, RES-9: the operator ends a suspension (RES-9: once it has confirmed the cause is removed). */
  async liftSuspension(
    scope: RequestScope,
    input: { suspensionId: string | null; reason: string },
  ): Promise<ResellerSuspension> {
    requireOperator(scope.caller);
    const now = this.clock.now();
    const reason = requireText(input.reason, "input.reason");
    return inTransaction(this.ds, async (tx) => {
      const s = input.suspensionId
        ? await tx.findOne(ResellerSuspension, {
            where: { id: input.suspensionId },
            lock: { mode: "pessimistic_write" },
          })
        : null;
      if (!s) throw refusal(RefusalCode.NOT_FOUND, "No such suspension.", "input.suspensionId");
      if (s.liftedAt || (s.endsAt && s.endsAt <= now)) return s;
      await this.lift(tx, scope, s, now, reason);
      await syncResellerStatus(tx, this.audit, scope, s.resellerId, now, this.events);
      return s;
    });
  }

  /** Syncs the status column now, and at the suspension's start and end (reseller-status.ts). */
  async syncStatus(tx: EntityManager, scope: RequestScope, resellerId: string): Promise<Reseller> {
    return syncResellerStatus(tx, this.audit, scope, resellerId, this.clock.now(), this.events);
  }

  private async lift(
    tx: EntityManager,
    scope: RequestScope,
    s: ResellerSuspension,
    now: Date,
    reason: string,
  ): Promise<void> {
    const before = snapshot(s);
    s.liftedAt = now;
    await tx.update(ResellerSuspension, { id: s.id }, { liftedAt: now });
    await this.audit.record(tx, scope, {
      action: "reseller.suspension.lift",
      entityType: "ResellerSuspension",
      entityId: s.nodeId,
      resellerId: s.resellerId,
      reason,
      before,
      after: snapshot(s),
    });
  }

  private async afterSuspending(
    tx: EntityManager,
    scope: RequestScope,
    reseller: Reseller,
    s: ResellerSuspension,
    now: Date,
  ): Promise<void> {
    await this.audit.record(tx, scope, {
      action: s.immediate ? "reseller.suspendImmediately" : "reseller.suspend",
      entityType: "ResellerSuspension",
      entityId: s.nodeId,
      resellerId: reseller.id,
      reason: s.reason,
      after: snapshot(s),
    });
    if (s.startsAt > now) await enqueueStatusCheck(tx, reseller.id, s.startsAt);
    if (s.endsAt) await enqueueStatusCheck(tx, reseller.id, s.endsAt);
    await syncResellerStatus(tx, this.audit, scope, reseller.id, now, this.events);
    const end = s.endsAt ? formatJst(s.endsAt) : "是正されるまで / until cured";
    await noticeToReseller(
      tx,
      this.notices,
      reseller,
      s.immediate ? "RESELLER_SUSPENDED_IMMEDIATELY" : "RESELLER_SUSPENDED",
      "取次業務の停止 / Suspension of brokering",
      `開始 / Start: ${formatJst(s.startsAt)}\n終了 / End: ${end}\n理由 / Reason: ${s.reason}\n停止中は新規申請・更新を受け付けません。 / New applications and renewals are refused meanwhile.`,
    );
  }
}
