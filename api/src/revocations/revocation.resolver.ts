import {
  Arg,
  Args,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import { Certificate } from "../certificates";
import type { Context } from "../graphql/context";
import { badUserInput } from "../errors";
import { idOfType } from "../ids";
import { Connection, PageArgs } from "../graphql/relay";
import { UserError, mutate } from "../graphql/user-error";
import { MassRevocation } from "./mass-revocation.entity";
import { RevocationPayload } from "./revocation.types";
import { ProblemReport, ProblemReportStatus } from "./problem-report.entity";
import { RevocationReasonValue } from "./revocation-reason";
import { ResellerRevocationGround } from "./reseller-ground";
import { Revocation, RevocationStatus } from "./revocation.entity";
import {
  PROBLEM_REPORT_ANSWER_DUE_AFTER_RECEIPT,
  PROBLEM_REPORT_ANSWER_OVERDUE,
  REVOCATION_AT_END_OF_MONTH,
  REVOCATION_REASONS_BY_ACTOR,
} from "../graphql/rule-descriptions";

@InputType({ description: "Ask for a certificate's revocation (REV-1..REV-4)." })
export class RequestRevocationInput {
  @Field(() => ID, { description: "Global ID of the certificate to revoke." })
  certificateId!: string;
  @Field(() => RevocationReasonValue, { description: REVOCATION_REASONS_BY_ACTOR })
  reason!: RevocationReasonValue;
  @Field({
    defaultValue: true,
    description:
      "Resellers: true when passing on the subscriber's request (REV-1), false for the reseller's own (REV-3). Ignored for operators.",
  })
  onBehalfOfSubscriber!: boolean;
  @Field({ defaultValue: false, description: REVOCATION_AT_END_OF_MONTH })
  atEndOfMonth!: boolean;
  @Field(() => String, {
    nullable: true,
    description: "Free text kept with the revocation request and in the audit log.",
  })
  comment?: string | null;
  @Field(() => String, { nullable: true, description: "Operator: the REV-4 ground, e.g. non-payment by the due date." })
  operatorGround?: string | null;
  @Field(() => ResellerRevocationGround, {
    nullable: true,
    description: "REV-3: required for a reseller's own request (onBehalfOfSubscriber: false).",
  })
  resellerGround?: ResellerRevocationGround | null;
}

@InputType({ description: "Input of withdraw revocation." })
export class WithdrawRevocationInput {
  @Field(() => ID, { description: "Global ID of the scheduled revocation to withdraw." })
  revocationId!: string;
}

@ObjectType({
  description: "Result of a mutation: the object it changed, or the userErrors that explain why nothing changed.",
})
export class WithdrawRevocationPayload {
  @Field(() => Revocation, {
    nullable: true,
    description: "The revocation, now WITHDRAWN; null when the mutation was refused.",
  })
  revocation!: Revocation | null;
  @Field(() => [UserError], {
    description: "Business refusals; empty when the mutation succeeded (nothing is changed when it is not).",
  })
  userErrors!: UserError[];
}

@InputType({ description: "REV-5: tell the operator about a problem with a certificate. No API key needed." })
export class ReportProblemInput {
  @Field(() => String, { nullable: true, description: "Serial number (hex) — give this or the fingerprint." })
  serialNumber?: string | null;
  @Field(() => String, {
    nullable: true,
    description: "SHA-256 fingerprint of the certificate (hex) — give this or the serial number.",
  })
  sha256Fingerprint?: string | null;
  @Field({ description: "What is wrong, 10-5000 characters." })
  description!: string;
  @Field(() => String, { nullable: true, description: "Where the operator may answer." })
  reporterEmail?: string | null;
  @Field(() => String, {
    nullable: true,
    description: "Proof of a leaked key: a CSR (PEM) signed with the certificate's private key.",
  })
  proofCsr?: string | null;
}

@ObjectType({ description: "What a reporter learns: the report was recorded and when a first answer is due." })
export class ProblemReportReceipt {
  @Field(() => ID, { description: "Global ID of the report." })
  id!: string;
  @Field({ description: "Short receipt number to quote on the telephone or in e-mail, e.g. 4827-1930 (REV-5)." })
  receiptNumber!: string;
  @Field(() => Date, { description: "When the report was recorded (ISO 8601)." })
  receivedAt!: Date;
  @Field(() => Date, { description: PROBLEM_REPORT_ANSWER_DUE_AFTER_RECEIPT })
  firstAnswerDueAt!: Date;
  @Field({ description: "The CSR proved possession of the certificate's private key." })
  proofVerified!: boolean;
}

@ObjectType({
  description: "Result of a mutation: the object it changed, or the userErrors that explain why nothing changed.",
})
export class ReportProblemPayload {
  @Field(() => ProblemReportReceipt, {
    nullable: true,
    description: "Proof that the report was recorded; null when the mutation was refused.",
  })
  receipt!: ProblemReportReceipt | null;
  @Field(() => [UserError], {
    description: "Business refusals; empty when the mutation succeeded (nothing is changed when it is not).",
  })
  userErrors!: UserError[];
}

@InputType({ description: "Input of answer problem report." })
export class AnswerProblemReportInput {
  @Field(() => ID, { description: "Global ID of the problem report." })
  problemReportId!: string;
  @Field({ description: "The operator's answer, recorded on the report (REV-5)." })
  answer!: string;
  @Field({ defaultValue: false, description: "Close the report without revocation." })
  dismiss!: boolean;
}

@InputType({ description: "Input of revoke from problem report." })
export class RevokeFromProblemReportInput {
  @Field(() => ID, { description: "Global ID of the problem report naming the certificate." })
  problemReportId!: string;
  @Field(() => RevocationReasonValue, { description: "RFC 5280 reason to revoke with (REV-1), e.g. KEY_COMPROMISE." })
  reason!: RevocationReasonValue;
}

@ObjectType({
  description: "Result of a mutation: the object it changed, or the userErrors that explain why nothing changed.",
})
export class ProblemReportPayload {
  @Field(() => ProblemReport, {
    nullable: true,
    description: "The problem report as it now stands; null when the mutation was refused.",
  })
  problemReport!: ProblemReport | null;
  @Field(() => [UserError], {
    description: "Business refusals; empty when the mutation succeeded (nothing is changed when it is not).",
  })
  userErrors!: UserError[];
}

@InputType({ description: "REV-4: revoke every unexpired certificate of an issuing CA, or of a list of serials." })
export class StartMassRevocationInput {
  @Field(() => ID, { nullable: true, description: "Issuing CA id (as in its caIssuers URL)." })
  issuingCaId?: string | null;
  @Field(() => [String], {
    nullable: true,
    description: "1 to 100000 serial numbers (hex) — give these or issuingCaId, not both.",
  })
  serials?: string[] | null;
  @Field(() => RevocationReasonValue, {
    description: "RFC 5280 reason for every certificate revoked (REV-1), e.g. KEY_COMPROMISE.",
  })
  reason!: RevocationReasonValue;
  @Field({ description: 'Why, e.g. "CA key compromise".' })
  ground!: string;
}

@ObjectType({
  description: "Result of a mutation: the object it changed, or the userErrors that explain why nothing changed.",
})
export class MassRevocationPayload {
  @Field(() => MassRevocation, {
    nullable: true,
    description: "The mass revocation started; null when the mutation was refused.",
  })
  massRevocation!: MassRevocation | null;
  @Field(() => [UserError], {
    description: "Business refusals; empty when the mutation succeeded (nothing is changed when it is not).",
  })
  userErrors!: UserError[];
}

@ObjectType({ description: "A page of problem reports, the most urgent first." })
export class ProblemReportConnection extends Connection(ProblemReport) {}

@Resolver(() => Revocation)
export class RevocationResolver {
  @Mutation(() => RevocationPayload, {
    description: "Revoke a certificate, or schedule it for the month's end (REV-1..REV-4). Idempotent.",
  })
  requestRevocation(
    @Arg("input", { description: "What to do; see the input type." }) input: RequestRevocationInput,
    @Ctx() ctx: Context,
  ): Promise<RevocationPayload> {
    return mutate(
      () =>
        ctx.services.revocations.request(ctx, {
          ...input,
          certificateId: idOfType(input.certificateId, "Certificate"),
        }),
      (r) => ({
        certificate: r?.certificate ?? null,
        revocation: r?.revocation ?? null,
        alreadyRevoked: r?.alreadyRevoked ?? false,
      }),
    );
  }

  @Mutation(() => WithdrawRevocationPayload, {
    description: "Withdraw a scheduled revocation before it is executed (REV-2, REV-7).",
  })
  withdrawRevocation(
    @Arg("input", { description: "What to do; see the input type." }) input: WithdrawRevocationInput,
    @Ctx() ctx: Context,
  ): Promise<WithdrawRevocationPayload> {
    return mutate(
      () => ctx.services.revocations.withdraw(ctx, idOfType(input.revocationId, "Revocation")),
      (revocation) => ({ revocation }),
    );
  }

  @Mutation(() => ReportProblemPayload, {
    description: "Public: report a problem with a certificate (REV-5). Rate-limited per client address.",
  })
  reportProblem(
    @Arg("input", { description: "What to do; see the input type." }) input: ReportProblemInput,
    @Ctx() ctx: Context,
  ): Promise<ReportProblemPayload> {
    return mutate(
      () => ctx.services.problemReports.report(ctx.clientAddress, ctx.requestId, input),
      (r) => ({
        receipt: r
          ? {
              id: r.nodeId,
              receiptNumber: r.receiptNumber,
              receivedAt: r.receivedAt,
              firstAnswerDueAt: r.firstAnswerDueAt,
              proofVerified: r.proofVerified,
            }
          : null,
      }),
    );
  }

  @Query(() => ProblemReportConnection, { description: "Operator: problem reports by first-answer deadline (REV-10)." })
  problemReports(
    @Args() args: PageArgs,
    @Ctx() ctx: Context,
    @Arg("statuses", () => [ProblemReportStatus], {
      defaultValue: [ProblemReportStatus.OPEN],
      description: "Only reports in one of these states; default OPEN.",
    })
    statuses: ProblemReportStatus[],
  ): Promise<ProblemReportConnection> {
    return ctx.services.problemReports.queue(ctx, args, statuses);
  }

  @Query(() => ProblemReport, {
    nullable: true,
    description: "Operator: the problem report with this receipt number (as read out on the telephone); null if none.",
  })
  problemReportByReceipt(
    @Arg("receiptNumber", { description: "The receipt number, with or without the hyphen." }) receiptNumber: string,
    @Ctx() ctx: Context,
  ): Promise<ProblemReport | null> {
    return ctx.services.problemReports.byReceipt(ctx, receiptNumber);
  }

  @Mutation(() => ProblemReportPayload, { description: "Operator: answer a problem report, or dismiss it." })
  answerProblemReport(
    @Arg("input", { description: "What to do; see the input type." }) input: AnswerProblemReportInput,
    @Ctx() ctx: Context,
  ): Promise<ProblemReportPayload> {
    return mutate(
      () =>
        ctx.services.problemReports.answer(
          ctx,
          idOfType(input.problemReportId, "ProblemReport"),
          input.answer,
          input.dismiss,
        ),
      (problemReport) => ({ problemReport }),
    );
  }

  @Mutation(() => ProblemReportPayload, { description: "Operator: revoke the reported certificate (REV-4, REV-5)." })
  revokeFromProblemReport(
    @Arg("input", { description: "What to do; see the input type." }) input: RevokeFromProblemReportInput,
    @Ctx() ctx: Context,
  ): Promise<ProblemReportPayload> {
    return mutate(
      () => ctx.services.problemReports.revoke(ctx, idOfType(input.problemReportId, "ProblemReport"), input.reason),
      (problemReport) => ({ problemReport }),
    );
  }

  @Mutation(() => MassRevocationPayload, {
    description:
      "Operator: revoke many certificates in one resumable operation (REV-4, SC-089). Follow progress through node(id:).",
  })
  startMassRevocation(
    @Arg("input", { description: "What to do; see the input type." }) input: StartMassRevocationInput,
    @Ctx() ctx: Context,
  ): Promise<MassRevocationPayload> {
    if (input.issuingCaId != null && !/^[0-9a-f-]{36}$/.test(input.issuingCaId))
      throw badUserInput("issuingCaId is the CA's id as it appears in its caIssuers URL.");
    return mutate(
      () =>
        ctx.services.massRevocations.start(ctx, {
          issuingCaId: input.issuingCaId ?? null,
          serials: input.serials ?? null,
          reason: input.reason,
          ground: input.ground,
        }),
      (massRevocation) => ({ massRevocation }),
    );
  }

  @FieldResolver(() => RevocationReasonValue, { description: "RFC 5280 reason of the revocation (REV-1)." })
  reason(@Root() r: Revocation): RevocationReasonValue {
    return r.reason as RevocationReasonValue;
  }

  @FieldResolver(() => Certificate, {
    nullable: true,
    description: "The certificate this revocation is about (null if the caller may not see it).",
  })
  certificate(@Root() r: Revocation, @Ctx() ctx: Context): Promise<Certificate | null> {
    return ctx.services.certificates.get(ctx, r.certificateId);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "REV-4: the operator's ground, when the operator revoked.",
  })
  operatorGround(@Root() r: Revocation): string | null {
    return r.operatorGround;
  }

  @FieldResolver(() => Boolean, { description: "REV-10: past its deadline and not executed." })
  overdue(@Root() r: Revocation, @Ctx() ctx: Context): boolean {
    return r.status === RevocationStatus.SCHEDULED && r.deadlineAt < ctx.services.clock.now();
  }
}

@Resolver(() => MassRevocation)
export class MassRevocationResolver {
  @FieldResolver(() => RevocationReasonValue, { description: "The reason every certificate is revoked with." })
  reason(@Root() m: MassRevocation): RevocationReasonValue {
    return m.reason as RevocationReasonValue;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "The issuing CA whose certificates are revoked (its id as in its caIssuers URL), or null for a list of serials.",
  })
  issuingCaId(@Root() m: MassRevocation): string | null {
    return m.issuingCaId;
  }

  @FieldResolver(() => Int, { nullable: true, description: "How many serials were listed, when revoking by list." })
  serialCount(@Root() m: MassRevocation): number | null {
    return m.serials?.length ?? null;
  }
}

@Resolver(() => ProblemReport)
export class ProblemReportResolver {
  @FieldResolver(() => Boolean, { description: PROBLEM_REPORT_ANSWER_OVERDUE })
  overdue(@Root() p: ProblemReport, @Ctx() ctx: Context): boolean {
    return p.answeredAt === null && p.firstAnswerDueAt < ctx.services.clock.now();
  }

  @FieldResolver(() => Certificate, {
    nullable: true,
    description: "The certificate reported, if it is one of Akashi's; null otherwise.",
  })
  certificate(@Root() p: ProblemReport, @Ctx() ctx: Context): Promise<Certificate | null> {
    return p.certificateId ? ctx.services.certificates.get(ctx, p.certificateId) : Promise.resolve(null);
  }
}

@Resolver(() => Certificate)
export class CertificateRevocationsResolver {
  @FieldResolver(() => [Revocation], {
    description: "Full revocation history: scheduled, withdrawn and executed requests, oldest first.",
  })
  revocations(@Root() c: Certificate, @Ctx() ctx: Context): Promise<Revocation[]> {
    return ctx.services.revocations.history(ctx, c);
  }
}
