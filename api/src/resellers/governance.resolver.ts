import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../graphql/context";
import { badUserInput } from "../errors";
import { idOfType, toGlobalId } from "../ids";
import { mutate } from "../graphql/user-error";
import { Notice } from "../notices";
import { RefusalError } from "../refusal";
import { ResellerAcmeApplication } from "./acme-application.entity";
import { ResellerCureNotice } from "./cure-notice.entity";
import {
  AcmeApplicationPayload,
  ActivityReport,
  ApplyForAcmeInput,
  CureNoticeIdInput,
  CureNoticePayload,
  DirectNotice,
  DirectNoticesPayload,
  InvalidateAllKeysInput,
  InvalidateAllKeysPayload,
  IssueCureNoticeInput,
  LiftSuspensionInput,
  NotifySubscribersDirectlyInput,
  ResellerIdInput,
  ResellerPayload,
  RotateApiKeyInput,
  RotateApiKeyPayload,
  SuspendImmediatelyInput,
  SuspendResellerInput,
  SuspensionPayload,
  TakeOverContractsInput,
  TakeOverContractsPayload,
  TerminateResellerInput,
  TerminateResellerPayload,
  UpdateResellerInput,
  UpdateResellerPayload,
} from "./governance.types";
import { ResellerRegistrationChange } from "./registration-change.entity";
import { Reseller } from "./reseller.entity";
import { ResellerSuspension } from "./suspension.entity";
import { ResellerTermination } from "./termination.entity";
import { ISSUE_CURE_NOTICE } from "../graphql/rule-descriptions";

const resellerUuid = (id: string) => idOfType(id, "Reseller");

function directNotice(n: Notice): DirectNotice {
  return {
    id: toGlobalId("Notice", n.id),
    subscriberId: toGlobalId("Subscriber", n.subscriberId!),
    emailTo: n.emailTo,
    channel: n.channel,
    subject: n.subject,
    body: n.body,
    createdAt: n.createdAt,
    sentAt: n.sentAt,
  };
}

/** Re-reads a reseller after a change, through the service (so authorisation applies as everywhere). */
async function fresh(ctx: Context, id: string | null | undefined): Promise<Reseller | null> {
  if (!id) return null;
  ctx.loaders.clearAll();
  return ctx.services.resellers.get(ctx, id);
}

/** Reseller governance (RES-1, RES-2, RES-7..RES-12, REV-9): thin wrappers over the services. */
@Resolver(() => Reseller)
export class ResellerGovernanceResolver {
  @Mutation(() => UpdateResellerPayload, {
    description: "Operator: record a change of a reseller's registered data, dated (RES-1).",
  })
  updateReseller(
    @Arg("input", { description: "What to do; see the input type." }) input: UpdateResellerInput,
    @Ctx() ctx: Context,
  ): Promise<UpdateResellerPayload> {
    return mutate(
      () => ctx.services.resellerRegistration.update(ctx, { ...input, resellerId: resellerUuid(input.resellerId) }),
      (r) => ({ reseller: r?.reseller ?? null, changes: r?.changes ?? [] }),
    );
  }

  @Mutation(() => AcmeApplicationPayload, {
    description: "Reseller: apply for ACME-variant brokering (RES-12); the operator decides with enableAcme.",
  })
  applyForAcme(
    @Arg("input", { description: "What to do; see the input type." }) input: ApplyForAcmeInput,
    @Ctx() ctx: Context,
  ): Promise<AcmeApplicationPayload> {
    return mutate(
      () => ctx.services.resellerRegistration.applyForAcme(ctx, input.note ?? null),
      (acmeApplication) => ({ acmeApplication }),
    );
  }

  @Mutation(() => ResellerPayload, {
    description:
      "Operator: approve the reseller's ACME-variant application and enable that brokering (RES-12). Refused without an open application.",
  })
  enableAcme(
    @Arg("input", { description: "What to do; see the input type." }) input: ResellerIdInput,
    @Ctx() ctx: Context,
  ): Promise<ResellerPayload> {
    return mutate(
      () => ctx.services.resellerRegistration.enableAcme(ctx, resellerUuid(input.resellerId)),
      (reseller) => ({ reseller }),
    );
  }

  @Mutation(() => InvalidateAllKeysPayload, {
    description: "Operator: every key of the reseller stops working at once (RES-2).",
  })
  invalidateAllKeys(
    @Arg("input", { description: "What to do; see the input type." }) input: InvalidateAllKeysInput,
    @Ctx() ctx: Context,
  ): Promise<InvalidateAllKeysPayload> {
    return mutate(
      () => ctx.services.apiKeyGovernance.invalidateAll(ctx, resellerUuid(input.resellerId), input.reason),
      (r) => ({ reseller: r?.reseller ?? null, revokedCount: r?.revokedCount ?? 0 }),
    );
  }

  @Mutation(() => RotateApiKeyPayload, {
    description: "Rotate an API key without downtime (RES-2): a reseller its own keys, operators any.",
  })
  rotateApiKey(
    @Arg("input", { description: "What to do; see the input type." }) input: RotateApiKeyInput,
    @Ctx() ctx: Context,
  ): Promise<RotateApiKeyPayload> {
    return mutate(
      () => ctx.services.apiKeyGovernance.rotate(ctx, { ...input, id: idOfType(input.id, "ApiKey") }),
      (r) => ({ apiKey: r?.apiKey ?? null, key: r?.key ?? null, previousApiKey: r?.previous ?? null }),
    );
  }

  @Mutation(() => CureNoticePayload, { description: ISSUE_CURE_NOTICE })
  issueCureNotice(
    @Arg("input", { description: "What to do; see the input type." }) input: IssueCureNoticeInput,
    @Ctx() ctx: Context,
  ): Promise<CureNoticePayload> {
    return mutate(
      () =>
        ctx.services.resellerDiscipline.issueCureNotice(ctx, { ...input, resellerId: resellerUuid(input.resellerId) }),
      (cureNotice) => ({ cureNotice }),
    );
  }

  @Mutation(() => CureNoticePayload, {
    description: 'Operator: the breach was cured (RES-8); suspensions "until cured" under the notice end.',
  })
  cureNoticeCured(
    @Arg("input", { description: "What to do; see the input type." }) input: CureNoticeIdInput,
    @Ctx() ctx: Context,
  ): Promise<CureNoticePayload> {
    return mutate(
      () => ctx.services.resellerDiscipline.markCured(ctx, idOfType(input.cureNoticeId, "ResellerCureNotice")),
      (cureNotice) => ({ cureNotice }),
    );
  }

  @Mutation(() => SuspensionPayload, {
    description: "Operator: suspend a reseller after its cure deadline passed without cure (RES-8).",
  })
  async suspendReseller(
    @Arg("input", { description: "What to do; see the input type." }) input: SuspendResellerInput,
    @Ctx() ctx: Context,
  ): Promise<SuspensionPayload> {
    const p = await mutate<ResellerSuspension, SuspensionPayload>(
      () =>
        ctx.services.resellerDiscipline.suspend(ctx, {
          ...input,
          resellerId: resellerUuid(input.resellerId),
          cureNoticeId: idOfType(input.cureNoticeId, "ResellerCureNotice"),
        }),
      (suspension) => ({ suspension, reseller: null, revokedKeyCount: 0 }),
    );
    return { ...p, reseller: await fresh(ctx, p.suspension?.resellerId) };
  }

  @Mutation(() => SuspensionPayload, {
    description: "Operator: invalidate every key and suspend at once, without notice (RES-9).",
  })
  async suspendImmediately(
    @Arg("input", { description: "What to do; see the input type." }) input: SuspendImmediatelyInput,
    @Ctx() ctx: Context,
  ): Promise<SuspensionPayload> {
    const p = await mutate<{ suspension: ResellerSuspension; revokedKeyCount: number }, SuspensionPayload>(
      () =>
        ctx.services.resellerDiscipline.suspendImmediately(ctx, {
          resellerId: resellerUuid(input.resellerId),
          reason: input.reason,
        }),
      (r) => ({ suspension: r?.suspension ?? null, reseller: null, revokedKeyCount: r?.revokedKeyCount ?? 0 }),
    );
    return { ...p, reseller: await fresh(ctx, p.suspension?.resellerId) };
  }

  @Mutation(() => SuspensionPayload, { description: "Operator: end a suspension (RES-8, RES-9)." })
  async liftSuspension(
    @Arg("input", { description: "What to do; see the input type." }) input: LiftSuspensionInput,
    @Ctx() ctx: Context,
  ): Promise<SuspensionPayload> {
    const p = await mutate<ResellerSuspension, SuspensionPayload>(
      () =>
        ctx.services.resellerDiscipline.liftSuspension(ctx, {
          suspensionId: idOfType(input.suspensionId, "ResellerSuspension"),
          reason: input.reason,
        }),
      (suspension) => ({ suspension, reseller: null, revokedKeyCount: 0 }),
    );
    return { ...p, reseller: await fresh(ctx, p.suspension?.resellerId) };
  }

  @Mutation(() => DirectNoticesPayload, {
    description:
      "Operator: notify a suspended or terminated reseller's subscribers directly (RES-10); one recorded notice per subscriber.",
  })
  notifySubscribersDirectly(
    @Arg("input", { description: "What to do; see the input type." }) input: NotifySubscribersDirectlyInput,
    @Ctx() ctx: Context,
  ): Promise<DirectNoticesPayload> {
    return mutate(
      () => ctx.services.directNotices.notify(ctx, { ...input, resellerId: resellerUuid(input.resellerId) }),
      (notices) => ({ notices: (notices ?? []).map(directNotice) }),
    );
  }

  @Mutation(() => TerminateResellerPayload, {
    description:
      "Operator: terminate a reseller (RES-11): its keys stop at effectiveAt, the handover data is demanded, and (REV-9) its auto-renew-type certificates are scheduled for revocation.",
  })
  async terminateReseller(
    @Arg("input", { description: "What to do; see the input type." }) input: TerminateResellerInput,
    @Ctx() ctx: Context,
  ): Promise<TerminateResellerPayload> {
    const p = await mutate<
      { termination: ResellerTermination; scheduledRevocations: number },
      TerminateResellerPayload
    >(
      () => ctx.services.resellerTermination.terminate(ctx, { ...input, resellerId: resellerUuid(input.resellerId) }),
      (r) => ({
        termination: r?.termination ?? null,
        reseller: null,
        scheduledRevocations: r?.scheduledRevocations ?? 0,
      }),
    );
    return { ...p, reseller: await fresh(ctx, p.termination?.resellerId) };
  }

  @Mutation(() => TakeOverContractsPayload, {
    description:
      "Operator: move a terminated reseller's remaining contracts (and, to a successor, its subscribers) to the operator or a successor reseller (RES-11).",
  })
  takeOverContracts(
    @Arg("input", { description: "What to do; see the input type." }) input: TakeOverContractsInput,
    @Ctx() ctx: Context,
  ): Promise<TakeOverContractsPayload> {
    let successorResellerId: string | null = null;
    if (input.successorResellerId != null) {
      successorResellerId = resellerUuid(input.successorResellerId);
      if (!successorResellerId) throw badUserInput("input.successorResellerId is not a Reseller ID.");
    }
    return mutate(
      () =>
        ctx.services.resellerTermination.takeOver(ctx, {
          resellerId: resellerUuid(input.resellerId),
          successorResellerId,
        }),
      (r) => ({
        termination: r?.termination ?? null,
        successor: r?.successor ?? null,
        contractsMoved: r?.contractsMoved ?? 0,
        subscribersMoved: r?.subscribersMoved ?? 0,
      }),
    );
  }

  @Query(() => String, {
    nullable: true,
    description:
      "Operator: the handover file of a reseller (RES-11) as JSON text, format `akashi-handover/1` (see README); also GET /handover/{resellerId}.json.",
  })
  async handoverExport(
    @Arg("resellerId", () => ID, { description: "Global ID of the reseller." }) resellerId: string,
    @Ctx() ctx: Context,
  ): Promise<string | null> {
    const data = await ctx.services.resellerTermination.handoverExport(ctx, resellerUuid(resellerId));
    return data ? JSON.stringify(data) : null;
  }

  @Query(() => ActivityReport, {
    nullable: true,
    description:
      "RES-7: a reseller's activity in [from, to): operators any reseller, a reseller itself only; null otherwise. Also GET /activity/{resellerId}.csv?from=&to=.",
  })
  async activityReport(
    @Arg("resellerId", () => ID, { description: "Global ID of the reseller." }) resellerId: string,
    @Arg("from", () => Date, { description: "Start of the period, inclusive (ISO 8601)." }) from: Date,
    @Arg("to", () => Date, { description: "End of the period, exclusive (ISO 8601)." }) to: Date,
    @Ctx() ctx: Context,
  ): Promise<ActivityReport | null> {
    try {
      return await ctx.services.activityReports.report(ctx, resellerUuid(resellerId), from, to);
    } catch (e) {
      if (e instanceof RefusalError) throw badUserInput(e.message);
      throw e;
    }
  }

  @Query(() => [DirectNotice], {
    description: "Operator: the direct notices sent to a reseller's subscribers (RES-10): what, to whom, when.",
  })
  async directNotices(
    @Arg("resellerId", () => ID, { description: "Global ID of the reseller." }) resellerId: string,
    @Ctx() ctx: Context,
  ): Promise<DirectNotice[]> {
    return (await ctx.services.directNotices.list(ctx, resellerUuid(resellerId))).map(directNotice);
  }

  @FieldResolver(() => [ResellerCureNotice], { description: "RES-8: cure notices to this reseller, oldest first." })
  cureNotices(@Root() reseller: Reseller, @Ctx() ctx: Context): Promise<ResellerCureNotice[]> {
    return ctx.loaders.manyBy(ResellerCureNotice, "resellerId", { issuedAt: "ASC" }).load(reseller.id);
  }

  @FieldResolver(() => [ResellerSuspension], {
    description: "RES-8, RES-9: suspensions of this reseller, oldest first.",
  })
  suspensions(@Root() reseller: Reseller, @Ctx() ctx: Context): Promise<ResellerSuspension[]> {
    return ctx.loaders.manyBy(ResellerSuspension, "resellerId", { startsAt: "ASC" }).load(reseller.id);
  }

  @FieldResolver(() => [ResellerRegistrationChange], {
    description: "RES-1: the dated history of changes to the registered data.",
  })
  registrationChanges(@Root() reseller: Reseller, @Ctx() ctx: Context): Promise<ResellerRegistrationChange[]> {
    return ctx.services.resellerRegistration.history(ctx, reseller);
  }

  @FieldResolver(() => [ResellerAcmeApplication], { description: "RES-12: the reseller's ACME-variant applications." })
  acmeApplications(@Root() reseller: Reseller, @Ctx() ctx: Context): Promise<ResellerAcmeApplication[]> {
    return ctx.services.resellerRegistration.acmeApplications(ctx, reseller);
  }

  @FieldResolver(() => ResellerTermination, { nullable: true, description: "RES-11: the termination, once decided." })
  termination(@Root() reseller: Reseller, @Ctx() ctx: Context): Promise<ResellerTermination | null> {
    return ctx.services.resellerTermination.termination(ctx, reseller);
  }
}
