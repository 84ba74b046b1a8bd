import { EntityManager } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { systemActor } from "../auth";
import { autoRenewStatus, formatJst, renewalWindow } from "../domain";
import { Clock } from "../domain/clock";
import { toGlobalId } from "../ids";
import { EventPublisher, EventType } from "../events";
import { JobHandler } from "../jobs/job-runner";
import { RecurringJob, dailyAtJst, everyJstMonthEnd } from "../jobs/schedule";
import { Notice, NoticeChannel, NoticeLanguage, NoticeRecipient, noticeLanguageOf } from "../notices";
import { IssuanceMode, Product, isDiscontinued, unlimitedEndedByDiscontinuation } from "../products";
import { Subscriber } from "../subscribers";
import { Contract, ContractEndReason } from "./contract.entity";
import { endContract } from "./contract-writes";
import { renewByDefault } from "./default-renewal";
import { FeeService } from "../fees";

const ACTOR = systemActor("contract-jobs");

/**
 * The contract calendar, run as PostgreSQL-backed jobs (each due run happens once across replicas):
 * - every day at 00:00 JST: contracts whose term or cancellation date has passed end (CON-1, CON-2,
 *   CON-4), and renewal notices are written when a renewal window opens (CON-3);
 * - at every JST month end: auto-renew service periods are extended, or end (VAL-6).
 * @rule CON-1 — the contract starts in the approval's transaction (review.service.ts approve); revocation ends it (revocation.service.ts)
 */
export function contractJobs(
  clock: Clock,
  audit: AuditService,
  fees: FeeService,
  events: EventPublisher,
): { handlers: Record<string, JobHandler>; recurring: RecurringJob[] } {
  const end = (tx: EntityManager, c: Contract, reason: ContractEndReason, at: Date) =>
    endContract(tx, { audit, events }, ACTOR, c, reason, at);

  const sweep: JobHandler = async (_job, tx) => {
    const now = clock.now();
    const due = await tx
      .createQueryBuilder(Contract, "k")
      .setLock("pessimistic_write")
      .where("k.status = 'ACTIVE'")
      .andWhere("(k.ends_at <= :now OR k.cancellation_effective_at <= :now)", { now })
      .getMany();
    for (const c of due) {
      if (c.cancellationEffectiveAt && c.cancellationEffectiveAt <= now) {
        await end(tx, c, ContractEndReason.CANCELLED, c.cancellationEffectiveAt);
        continue;
      }
      const renewed =
        (await tx.existsBy(Contract, { renewedFromId: c.id })) ||
        (await renewByDefault(tx, ACTOR, fees, audit, c)) !== null;
      const discontinued = isDiscontinued(await tx.findOneByOrFail(Product, { id: c.productId }), c.endsAt ?? now); // CON-5
      const notRenewed = c.doNotRenew
        ? ContractEndReason.NOT_RENEWED
        : discontinued
          ? ContractEndReason.DISCONTINUED
          : ContractEndReason.TERM_END;
      await end(tx, c, renewed ? ContractEndReason.RENEWED : notRenewed, c.endsAt ?? now);
    }
    // CON-5: unlimited management of a discontinued product ends with the month of discontinuation.
    for (const x of await unlimitedEndedByDiscontinuation(tx, now))
      await end(tx, x.contract, ContractEndReason.DISCONTINUED, x.endsAt);
    await writeRenewalNotices(tx, now, events);
  };

  const monthEnd: JobHandler = async (_job, tx) => {
    const now = clock.now();
    const contracts = await tx
      .createQueryBuilder(Contract, "k")
      .innerJoin(Product, "p", "p.id = k.product_id")
      .setLock("pessimistic_write", undefined, ["k"])
      .where("k.status = 'ACTIVE' AND p.auto_renew")
      .getMany();
    for (const c of contracts) {
      const state = autoRenewStatus({
        issuedAt: c.startsAt,
        termMonths: c.termMonths!,
        noticeAt: c.autoRenewStopNoticedAt,
        now,
      });
      if (state.ended) {
        await end(
          tx,
          c,
          state.stoppedByNotice ? ContractEndReason.NOT_RENEWED : ContractEndReason.TERM_END,
          state.serviceEnd,
        );
      } else if (state.currentPeriodEnd && c.servicePeriodEndsAt?.getTime() !== state.currentPeriodEnd.getTime()) {
        const before = snapshot(c);
        const previousEnd = c.servicePeriodEndsAt;
        c.servicePeriodEndsAt = state.currentPeriodEnd;
        await tx.save(c);
        await audit.record(tx, ACTOR, {
          action: "contract.autoRenew.extend",
          entityType: "Contract",
          entityId: toGlobalId("Contract", c.id),
          resellerId: c.resellerId,
          before,
          after: snapshot(c),
        });
        // RES-6, CON-8: each service month added is charged to the managing reseller.
        if (previousEnd) await fees.chargeServicePeriods(tx, ACTOR, c, previousEnd, state.currentPeriodEnd);
      }
    }
  };

  return {
    handlers: { "contracts.daily": sweep, "contracts.month-end": monthEnd },
    // Both scan the state at now (ends, notices, extensions with every month since the last charged): one run covers missed ones.
    recurring: [dailyAtJst("contracts.daily", 0, 0, "latest"), everyJstMonthEnd("contracts.month-end", "latest")],
  };
}

/**
 * CON-3: when the renewal window of a term opens (VAL-5), the managing reseller is sent a renewal
 * notice (through the reseller, RES-5). The unique (kind, contract, due) key writes each notice once.
 */
async function writeRenewalNotices(tx: EntityManager, now: Date, events: EventPublisher): Promise<void> {
  const candidates = await tx
    .createQueryBuilder(Contract, "k")
    .innerJoin(Product, "p", "p.id = k.product_id")
    .where(
      "k.status = 'ACTIVE' AND NOT p.auto_renew AND k.ends_at IS NOT NULL AND NOT k.do_not_renew AND k.reseller_id IS NOT NULL",
    )
    .andWhere("k.ends_at > :now AND k.cancellation_effective_at IS NULL", { now })
    .andWhere("NOT EXISTS (SELECT 1 FROM contract r WHERE r.renewed_from_id = k.id)")
    .getMany();
  for (const c of candidates) {
    const opensAt = renewalWindow(c.endsAt!).opensAt;
    if (opensAt > now) continue;
    const product = await tx.findOneByOrFail(Product, { id: c.productId });
    const subscriber = await tx.findOneByOrFail(Subscriber, { id: c.subscriberId });
    const byo = product.issuanceMode === IssuanceMode.BRING_YOUR_OWN;
    const ja = noticeLanguageOf(subscriber) === NoticeLanguage.JA;
    const endText = formatJst(c.endsAt!);
    const subject = ja
      ? `【更新のご案内】${subscriber.name} ${product.nameJa}（${endText}満了）`
      : `Renewal notice: ${subscriber.nameEn ?? subscriber.name}, ${product.nameEn} (term ends ${endText})`;
    const body = ja
      ? byo
        ? `${subscriber.name}様の${product.nameJa}の契約期間は${endText}に満了します。管理を継続するには、更新後の証明書をお持ち込みください。`
        : `${subscriber.name}様の${product.nameJa}の契約期間は${endText}に満了します。更新をご希望でない場合は期間満了までにお知らせください。`
      : byo
        ? `The management term of ${product.nameEn} for ${subscriber.nameEn ?? subscriber.name} ends ${endText}. To continue, import the renewed certificate.`
        : `The term of ${product.nameEn} for ${subscriber.nameEn ?? subscriber.name} ends ${endText}. Tell us before then if it should not be renewed.`;
    const inserted = await tx
      .createQueryBuilder()
      .insert()
      .into(Notice)
      .values({
        kind: "RENEWAL_DUE",
        recipient: NoticeRecipient.RESELLER,
        resellerId: c.resellerId,
        subscriberId: c.subscriberId,
        contractId: c.id,
        language: ja ? NoticeLanguage.JA : NoticeLanguage.EN,
        subject,
        body,
        channel: NoticeChannel.EMAIL,
        direct: false,
        emailTo: null,
        dueAt: opensAt,
        sentAt: null,
        createdAt: now,
      })
      .orIgnore()
      .returning("id")
      .execute();
    // The renewal-due event goes out once, with the notice (the unique key makes later runs no-ops).
    if ((inserted.raw as unknown[]).length > 0) {
      await events.emit(tx, {
        type: EventType.RENEWAL_DUE,
        resellerId: c.resellerId,
        subjectType: "Contract",
        subjectId: toGlobalId("Contract", c.id),
        data: { termEndsAt: c.endsAt!.toISOString(), windowOpensAt: opensAt.toISOString() },
      });
    }
  }
}
