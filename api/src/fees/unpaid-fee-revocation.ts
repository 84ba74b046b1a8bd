import { DataSource } from "typeorm";
import { AuditService } from "../audit";
import { requireOperator } from "../auth";
import { inTransaction } from "../db/transaction";
import { formatJst } from "../domain";
import { Clock } from "../domain/clock";
import { toGlobalId } from "../ids";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { type GroundRevocation, lockIssuedCertificate, revokeOnGround } from "../revocations";
import type { RevocationService } from "../revocations";
import { lockStatement } from "./payment.service";
import { loadStatementBook } from "./statement-book";
import { statementMonth } from "./statement";

/**
 * REV-4 [S 11.4(4)]: the operator may revoke a certificate at once when its fee was not paid by the
 * due date (CON-7). The fee is a line of the named monthly statement; the statement must be overdue
 * and that line not fully paid. The audit entry cites the statement.
 */
export class UnpaidFeeRevocation {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly revocations: RevocationService,
  ) {}

  async revoke(
    scope: RequestScope,
    input: { certificateId: string | null; month: string; reason: string; comment?: string | null },
  ): Promise<GroundRevocation> {
    requireOperator(scope.caller);
    if (!statementMonth(input.month))
      throw refusal(RefusalCode.INVALID_INPUT, "month must be YYYY-MM (a JST calendar month).", "input.month");
    const result = await inTransaction(this.ds, async (tx) => {
      const { cert, contract } = await lockIssuedCertificate(tx, input.certificateId);
      if (cert.revokedAt) return { certificate: cert, revocation: null, alreadyRevoked: true };
      const range = statementMonth(input.month);
      const [line]: { reseller_id: string }[] = await tx.query(
        `SELECT reseller_id FROM charge WHERE contract_id = $1 AND charged_at >= $2 AND charged_at < $3 ORDER BY ` +
          `charged_at LIMIT 1`,
        [contract.id, range?.from, range?.to],
      );
      if (!line)
        throw refusal(
          RefusalCode.FEE_NOT_ON_STATEMENT,
          `No fee of this certificate's contract is on the ${input.month} statement.`,
          "input.month",
          "指定月の請求に、この証明書の料金はありません。",
        );
      await lockStatement(tx, line.reseller_id, input.month);
      const now = this.clock.now();
      const book = await loadStatementBook(tx, line.reseller_id, input.month, now);
      const mine = book.lines.filter((l) => l.contractId === contract.id);
      const unpaid = mine.filter(
        (l) => (book.receipts.get(l.id) ?? []).reduce((s, r) => s + r.amountYen, 0) < l.amountYen + l.taxYen,
      );
      if (!book.balance.overdue || unpaid.length === 0) {
        const why = !book.balance.overdue
          ? `the statement is due ${formatJst(book.balance.dueAt)} with ${book.balance.outstandingYen} yen outstanding`
          : "this certificate's fee on it is paid";
        throw refusal(
          RefusalCode.FEE_NOT_OVERDUE,
          `Nothing of this certificate's fee on the ${input.month} statement is overdue: ${why} (REV-4).`,
          "input.month",
          "この証明書の料金に支払期日を過ぎた未払いはありません。",
        );
      }
      const statement = {
        resellerId: toGlobalId("Reseller", book.resellerId),
        month: book.month,
        dueAt: book.balance.dueAt.toISOString(),
        totalYen: book.totalYen,
        paidYen: book.balance.paidYen,
        outstandingYen: book.balance.outstandingYen,
        unpaidLines: unpaid.map((l) => l.nodeId),
      };
      const ground =
        `REV-4 [S 11.4(4)]: fee not paid by its due date — statement ${book.month}` +
        ` of reseller ${statement.resellerId}` +
        ` (due ${formatJst(book.balance.dueAt)}, ${book.balance.outstandingYen} of ${book.totalYen} yen outstanding)`;
      const done = await revokeOnGround(this.revocations, tx, scope, cert, { reason: input.reason, ground, now });
      await this.audit.record(tx, scope, {
        action: "certificate.revokeForUnpaidFee",
        entityType: "Certificate",
        entityId: toGlobalId("Certificate", cert.id),
        resellerId: contract.resellerId,
        reason: ground,
        after: {
          statement,
          reason: input.reason,
          comment: input.comment ?? null,
          revocationId: done.revocation ? toGlobalId("Revocation", done.revocation.id) : null,
        },
      });
      return done;
    });
    scope.loaders.clearAll();
    return result;
  }
}
