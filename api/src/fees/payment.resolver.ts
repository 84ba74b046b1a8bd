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
import type { Context } from "../graphql/context";
import { idOfType } from "../ids";
import { Connection, PageArgs } from "../graphql/relay";
import { UserError, mutate } from "../graphql/user-error";
import { Reseller } from "../resellers";
import { RevocationReasonValue } from "../revocations";
import { RevocationPayload } from "../revocations";
import { Charge } from "./charge.entity";
import { Statement } from "./fee.resolver";
import type { OverdueStatementRow } from "./overdue-report";
import { Payment, PaymentMethod } from "./payment.entity";
import type { StatementBook } from "./statement-book";

@ObjectType({ description: "A page of payments." })
class PaymentConnection extends Connection(Payment) {}

@ObjectType({ description: "CON-7, REV-4: a statement whose due date has passed with something still owed." })
class OverdueStatement {
  resellerId!: string;
  @Field({ description: "The statement month, YYYY-MM (JST)." })
  month!: string;
  @Field(() => Date, {
    description: "CON-7: the due date that passed (23:59:59 JST on the last day of the following month).",
  })
  dueAt!: Date;
  @Field(() => Int, { description: "Sum of the statement's lines, tax included." })
  totalYen!: number;
  @Field(() => Int, { description: "Sum of the payments recorded against it." })
  paidYen!: number;
  @Field(() => Int, { description: "totalYen − paidYen." })
  outstandingYen!: number;
  @Field(() => Int, { description: "How many lines the statement has." })
  lines!: number;
}

@ObjectType({ description: "A page of overdue statements, oldest month first." })
class OverdueStatementConnection extends Connection(OverdueStatement) {}

@InputType({ description: "RES-6: a payment received from a reseller against one monthly statement." })
export class RecordPaymentInput {
  @Field(() => ID, { description: "Global ID of the reseller that paid." })
  resellerId!: string;
  @Field({ description: "The statement paid, YYYY-MM (JST); it must have started." })
  month!: string;
  @Field(() => Int, { description: "Integer yen received (a part, all, or more than the statement's total)." })
  amountYen!: number;
  @Field({ description: "JST date the money arrived (YYYY-MM-DD), today or earlier." })
  receivedOn!: string;
  @Field(() => PaymentMethod, { description: "How it was paid." })
  method!: PaymentMethod;
  @Field({
    description:
      "The transfer's or receipt's reference, unique per reseller: recording the same payment again records it once.",
  })
  reference!: string;
  @Field(() => String, { nullable: true, description: "A note for the record." })
  note?: string | null;
}

@ObjectType({ description: "The payment recorded and the statement as it now stands." })
export class RecordPaymentPayload {
  @Field(() => Payment, {
    nullable: true,
    description: "The payment (the first one when the same payment was recorded again); null when refused.",
  })
  payment!: Payment | null;
  @Field(() => Statement, { nullable: true, description: "The statement paid, with its balance; null when refused." })
  statement!: StatementBook | null;
  @Field(() => [UserError], { description: "Business refusals; empty on success." })
  userErrors!: UserError[];
}

@InputType({
  description: "REV-4 [S 11.4(4)]: revoke a certificate whose fee on a statement was not paid by its due date.",
})
export class RevokeForUnpaidFeeInput {
  @Field(() => ID, { description: "Global ID of the certificate." })
  certificateId!: string;
  @Field({
    description: "The overdue statement (YYYY-MM, JST) with the certificate's unpaid fee; cited in the audit entry.",
  })
  month!: string;
  @Field(() => RevocationReasonValue, {
    defaultValue: RevocationReasonValue.PRIVILEGE_WITHDRAWN,
    description: "Any reason REV-1 allows the operator; default PRIVILEGE_WITHDRAWN.",
  })
  reason!: RevocationReasonValue;
  @Field(() => String, { nullable: true, description: "A note for the audit entry." })
  comment?: string | null;
}

@Resolver(() => Statement)
export class StatementBalanceResolver {
  @FieldResolver(() => Date, {
    description: "CON-7: when the whole statement is due (end of the following month, JST).",
  })
  dueAt(@Root() s: StatementBook): Date {
    return s.balance.dueAt;
  }
  @FieldResolver(() => Int, { description: "Sum of the payments recorded against this statement." })
  paidYen(@Root() s: StatementBook): number {
    return s.balance.paidYen;
  }
  @FieldResolver(() => Int, { description: "What is still owed: max(0, totalYen − paidYen)." })
  outstandingYen(@Root() s: StatementBook): number {
    return s.balance.outstandingYen;
  }
  @FieldResolver(() => Int, {
    description: "Paid beyond the total (an over-payment), kept as a credit of this statement.",
  })
  creditYen(@Root() s: StatementBook): number {
    return s.balance.creditYen;
  }
  @FieldResolver({ description: "CON-7: something is still owed after the due date." })
  overdue(@Root() s: StatementBook): boolean {
    return s.balance.overdue;
  }
  @FieldResolver(() => [Payment], {
    description: "The payments recorded against this statement, in the order received.",
  })
  payments(@Root() s: StatementBook): Payment[] {
    return s.payments;
  }
}

@Resolver(() => Charge)
export class ChargeReceiptResolver {
  @FieldResolver(() => Int, {
    description:
      "CON-9: how much of this line has been received — the statement's payments pay its lines oldest first.",
  })
  receivedYen(@Root() c: Charge, @Ctx() ctx: Context): Promise<number> {
    return ctx.services.fees.receivedYen(ctx, c);
  }
}

@Resolver(() => Payment)
export class PaymentResolver {
  @Mutation(() => RecordPaymentPayload, {
    description:
      "RES-6: record a payment against a reseller's monthly statement (operator); partial and over-payments allowed.",
  })
  recordPayment(
    @Arg("input", { description: "The payment; see the input type." }) input: RecordPaymentInput,
    @Ctx() ctx: Context,
  ): Promise<RecordPaymentPayload> {
    return mutate(
      () => ctx.services.payments.record(ctx, { ...input, resellerId: idOfType(input.resellerId, "Reseller") }),
      (r) => ({ payment: r?.payment ?? null, statement: r?.statement ?? null }),
    );
  }

  @Mutation(() => RevocationPayload, {
    description:
      "REV-4 [S 11.4(4)]: revoke a certificate at once for a fee unpaid by its due date (operator); the audit " +
      "entry cites the statement.",
  })
  revokeForUnpaidFee(
    @Arg("input", { description: "What to revoke and why; see the input type." }) input: RevokeForUnpaidFeeInput,
    @Ctx() ctx: Context,
  ): Promise<RevocationPayload> {
    return mutate(
      () =>
        ctx.services.unpaidFeeRevocation.revoke(ctx, {
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

  @Query(() => PaymentConnection, {
    description:
      "Payments, newest received first: a reseller's own; an operator's of every reseller unless one is named.",
  })
  payments(
    @Args() page: PageArgs,
    @Ctx() ctx: Context,
    @Arg("resellerId", () => ID, { nullable: true, description: "Operators: only this reseller's payments." })
    resellerId?: string | null,
    @Arg("month", () => String, {
      nullable: true,
      description: "Only payments against this statement month (YYYY-MM).",
    })
    month?: string | null,
  ) {
    const rid = resellerId ? (idOfType(resellerId, "Reseller") ?? "00000000-0000-0000-0000-000000000000") : null;
    return ctx.services.payments.list(ctx, page, { resellerId: rid, month: month ?? null });
  }

  @Query(() => OverdueStatementConnection, {
    description:
      "CON-7, REV-4: statements past their due date with something owed, oldest first (a reseller sees its own).",
  })
  overdueStatements(@Args() page: PageArgs, @Ctx() ctx: Context) {
    return ctx.services.overdueReport.page(ctx, page);
  }
}

@Resolver(() => OverdueStatement)
export class OverdueStatementResolver {
  @FieldResolver(() => Reseller, { nullable: true, description: "The reseller that owes it." })
  reseller(@Root() s: OverdueStatementRow, @Ctx() ctx: Context): Promise<Reseller | null> {
    return ctx.services.resellers.get(ctx, s.resellerId);
  }
}
