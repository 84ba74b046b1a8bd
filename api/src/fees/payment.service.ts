import { DataSource, EntityManager } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { canSeeResellerData, requireAuthenticated, requireOperator } from "../auth";
import { inTransaction } from "../db/transaction";
import { jstDateOf, parseJstDate } from "../domain";
import { Clock } from "../domain/clock";
import { EventPublisher, EventType } from "../events";
import { toGlobalId } from "../ids";
import { ConnectionShape, PageRequest, paginate } from "../paging";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { Reseller } from "../resellers";
import { Payment, PaymentMethod } from "./payment.entity";
import { StatementBook, loadStatementBook } from "./statement-book";
import { statementMonth } from "./statement";

export interface PaymentInput {
  resellerId: string | null;
  month: string;
  amountYen: number;
  receivedOn: string;
  method: PaymentMethod;
  reference: string;
  note?: string | null;
}

const MAX_PAYMENT_YEN = 2_000_000_000;

/** Serialises work on one statement: recording a payment, and revoking for what it leaves unpaid (REV-4). */
export async function lockStatement(tx: EntityManager, resellerId: string, month: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`statement:${resellerId}:${month}`]);
}

/**
 * RES-6, CON-7: the operator records what a reseller paid against a monthly statement — in part,
 * in full or more (the excess stays a credit of that statement). A payment is identified by its
 * reference, so recording the same payment again records it once.
 */
export class PaymentService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly events: EventPublisher,
  ) {}

  async record(scope: RequestScope, input: PaymentInput): Promise<{ payment: Payment; statement: StatementBook }> {
    requireOperator(scope.caller);
    const p = this.checked(input);
    const result = await inTransaction(this.ds, async (tx) => {
      const reseller = input.resellerId ? await tx.findOneBy(Reseller, { id: input.resellerId }) : null;
      if (!reseller) throw refusal(RefusalCode.NOT_FOUND, "No such reseller.", "input.resellerId");
      await lockStatement(tx, reseller.id, p.month);
      const inserted: { id: string }[] = await tx.query(
        `INSERT INTO payment
           (reseller_id, statement_month, amount_yen, received_on, method, reference, note, recorded_at,
            recorded_by_key_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (reseller_id, reference) DO NOTHING RETURNING id`,
        [
          reseller.id,
          p.month,
          p.amountYen,
          p.receivedOn,
          p.method,
          p.reference,
          p.note,
          this.clock.now(),
          scope.caller.kind === "OPERATOR" ? scope.caller.keyId : null,
        ],
      );
      if (inserted.length === 0) return this.sameAgain(tx, reseller.id, p);
      const payment = await tx.findOneByOrFail(Payment, { id: inserted[0].id });
      const book = await loadStatementBook(tx, reseller.id, p.month, this.clock.now());
      await this.audit.record(tx, scope, {
        action: "payment.record",
        entityType: "Payment",
        entityId: payment.nodeId,
        resellerId: reseller.id,
        after: {
          ...snapshot(payment),
          statement: {
            month: p.month,
            totalYen: book.totalYen,
            paidYen: book.balance.paidYen,
            outstandingYen: book.balance.outstandingYen,
          },
        },
      });
      await this.events.emit(tx, {
        type: EventType.PAYMENT_RECORDED,
        resellerId: reseller.id,
        subjectType: "Payment",
        subjectId: payment.nodeId,
        data: {
          statementMonth: p.month,
          amountYen: p.amountYen,
          receivedOn: p.receivedOn,
          reference: p.reference,
          outstandingYen: book.balance.outstandingYen,
          creditYen: book.balance.creditYen,
        },
      });
      return payment;
    });
    scope.loaders.clearAll();
    return {
      payment: result,
      statement: await loadStatementBook(this.ds.manager, result.resellerId, p.month, this.clock.now()),
    };
  }

  async get(scope: RequestScope, id: string): Promise<Payment | null> {
    const p = await scope.loaders.byId(Payment).load(id);
    return p && canSeeResellerData(scope.caller, p.resellerId) ? p : null;
  }

  /** Payments, newest received first: a reseller its own; an operator every reseller's unless one is named. */
  async list(
    scope: RequestScope,
    args: PageRequest,
    filter: { resellerId: string | null; month: string | null },
  ): Promise<ConnectionShape<Payment>> {
    requireAuthenticated(scope.caller);
    const qb = this.ds.getRepository(Payment).createQueryBuilder("p");
    if (scope.caller.kind === "RESELLER") qb.andWhere("p.reseller_id = :own", { own: scope.caller.resellerId });
    if (filter.resellerId) qb.andWhere("p.reseller_id = :rid", { rid: filter.resellerId });
    if (filter.month) qb.andWhere("p.statement_month = :month", { month: filter.month });
    return paginate(qb, args, ["received_on", "recorded_at", "id"], "DESC");
  }

  /** The same payment recorded again is the first one; a different payment under its reference is refused. */
  private async sameAgain(tx: EntityManager, resellerId: string, p: Required<PaymentInput>): Promise<Payment> {
    const existing = await tx.findOneByOrFail(Payment, { resellerId, reference: p.reference });
    const same =
      existing.statementMonth === p.month &&
      existing.amountYen === p.amountYen &&
      existing.receivedOn === p.receivedOn &&
      existing.method === p.method;
    if (same) return existing;
    throw refusal(
      RefusalCode.PAYMENT_REFERENCE_EXISTS,
      `A different payment with reference "${p.reference}" is already recorded ` +
        `(${toGlobalId("Payment", existing.id)}).`,
      "input.reference",
      "同じ参照番号の別の入金が記録済みです。",
    );
  }

  private checked(input: PaymentInput): Required<PaymentInput> {
    const range = statementMonth(input.month);
    if (!range)
      throw refusal(RefusalCode.INVALID_INPUT, "month must be YYYY-MM (a JST calendar month).", "input.month");
    const now = this.clock.now();
    if (range.from.getTime() > now.getTime())
      throw refusal(
        RefusalCode.STATEMENT_NOT_STARTED,
        `The statement for ${input.month} has not started yet.`,
        "input.month",
        "対象月の請求はまだ始まっていません。",
      );
    if (!Number.isInteger(input.amountYen) || input.amountYen < 1 || input.amountYen > MAX_PAYMENT_YEN) {
      throw refusal(RefusalCode.INVALID_INPUT, "amountYen must be whole yen, at least 1.", "input.amountYen");
    }
    let valid = /^\d{4}-\d{2}-\d{2}$/.test(input.receivedOn);
    try {
      if (valid) parseJstDate(input.receivedOn);
    } catch {
      valid = false;
    }
    if (!valid || input.receivedOn > jstDateOf(now))
      throw refusal(
        RefusalCode.INVALID_INPUT,
        "receivedOn must be a JST date (YYYY-MM-DD), today or earlier.",
        "input.receivedOn",
      );
    const reference = input.reference.trim();
    if (reference.length === 0 || reference.length > 200)
      throw refusal(RefusalCode.INVALID_INPUT, "reference must be 1-200 characters.", "input.reference");
    const note = input.note?.trim() || null;
    if (note && note.length > 2000)
      throw refusal(RefusalCode.INVALID_INPUT, "note must be at most 2000 characters.", "input.note");
    return { ...input, reference, note };
  }
}
