/**
 * Payments against a reseller's monthly statement (RES-6, CON-7, CON-9): what each line has
 * received, and whether the statement is paid, part-paid, over-paid or overdue. Integer yen.
 */
import { assertInteger, assertValidDate, endOfMonthAfter } from "./jst";

export interface StatementLineDue {
  readonly id: string;
  /** The line's total, tax included. */
  readonly totalYen: number;
}

export interface PaymentReceived {
  readonly amountYen: number;
  readonly receivedAt: Date;
}

/** A part of a line paid by one payment. */
export interface LineReceipt {
  readonly amountYen: number;
  readonly receivedAt: Date;
}

/**
 * CON-9: which payment paid which line. The payments of a statement pay its lines in the
 * statement's order (oldest line first), each payment in the order received; a line may be paid by
 * several payments and one payment may pay several lines. What is left after the last line is a
 * credit of the statement and pays no line. Lines must be given in statement order.
 */
export function allocatePayments(
  lines: readonly StatementLineDue[],
  payments: readonly PaymentReceived[],
): Map<string, LineReceipt[]> {
  const result = new Map<string, LineReceipt[]>(lines.map((l) => [l.id, []]));
  const queue = [...payments]
    .map((p) => {
      assertInteger(p.amountYen, "amountYen", 1);
      assertValidDate(p.receivedAt, "receivedAt");
      return { left: p.amountYen, receivedAt: p.receivedAt };
    })
    .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  let next = 0;
  for (const line of lines) {
    assertInteger(line.totalYen, "totalYen", 0);
    let owed = line.totalYen;
    const receipts = result.get(line.id) ?? [];
    while (owed > 0 && next < queue.length) {
      const p = queue[next];
      const take = Math.min(owed, p.left);
      receipts.push({ amountYen: take, receivedAt: p.receivedAt });
      owed -= take;
      p.left -= take;
      if (p.left === 0) next++;
    }
    result.set(line.id, receipts);
  }
  return result;
}

export interface StatementBalance {
  readonly totalYen: number;
  readonly paidYen: number;
  /** What is still owed: never negative. */
  readonly outstandingYen: number;
  /** Paid beyond the total (an over-payment): never negative. */
  readonly creditYen: number;
  /** CON-7: every fee of month M is due by the end of month M + 1 (23:59:59 JST). */
  readonly dueAt: Date;
  /** Something is still owed after the due date. */
  readonly overdue: boolean;
}

/** CON-7: the due date of a statement whose month starts at `monthStart`. */
export function statementDueAt(monthStart: Date): Date {
  assertValidDate(monthStart, "monthStart");
  return endOfMonthAfter(monthStart, 1);
}

/** CON-7, RES-6: the balance of a statement at `at`. */
export function statementBalance(input: {
  totalYen: number;
  paidYen: number;
  monthStart: Date;
  at: Date;
}): StatementBalance {
  assertInteger(input.totalYen, "totalYen", 0);
  assertInteger(input.paidYen, "paidYen", 0);
  assertValidDate(input.at, "at");
  const dueAt = statementDueAt(input.monthStart);
  const outstandingYen = Math.max(0, input.totalYen - input.paidYen);
  return {
    totalYen: input.totalYen,
    paidYen: input.paidYen,
    outstandingYen,
    creditYen: Math.max(0, input.paidYen - input.totalYen),
    dueAt,
    overdue: outstandingYen > 0 && input.at.getTime() > dueAt.getTime(),
  };
}
