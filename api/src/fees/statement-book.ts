import { EntityManager } from "typeorm";
import { LineReceipt, StatementBalance, allocatePayments, jstDateAt, statementBalance, toJst } from "../domain";
import { Loaders } from "../db/loaders";
import { Charge } from "./charge.entity";
import { Payment } from "./payment.entity";
import { StatementTotals, statementMonth, statementTotals } from "./statement";

/** One reseller's statement for one JST month with everything paid against it (RES-6, CON-7, CON-9). */
export interface StatementBook extends StatementTotals {
  resellerId: string;
  month: string;
  monthStart: Date;
  lines: Charge[];
  payments: Payment[];
  /** CON-9: which payments paid each line (statement order, oldest line first). */
  receipts: Map<string, LineReceipt[]>;
  balance: StatementBalance;
}

/** The JST month (YYYY-MM) a charge belongs to. */
export function monthOf(at: Date): string {
  const p = toJst(at);
  return `${p.year}-${String(p.month).padStart(2, "0")}`;
}

/** CON-9: a payment counts as received from 00:00 JST on the day it was received. */
function receivedAt(p: Payment): Date {
  return jstDateAt(p.receivedOn);
}

/** Reads a statement and its payments; `month` must be a valid YYYY-MM (see statementMonth). */
export async function loadStatementBook(
  m: EntityManager,
  resellerId: string,
  month: string,
  now: Date,
): Promise<StatementBook> {
  const range = statementMonth(month);
  if (!range) throw new RangeError(`not a statement month: ${month}`);
  const [lines, payments] = await Promise.all([
    m
      .getRepository(Charge)
      .createQueryBuilder("ch")
      .where("ch.reseller_id = :resellerId AND ch.charged_at >= :from AND ch.charged_at < :to", {
        resellerId,
        ...range,
      })
      .orderBy("ch.charged_at", "ASC")
      .addOrderBy("ch.id", "ASC")
      .getMany(),
    m.getRepository(Payment).find({
      where: { resellerId, statementMonth: month },
      order: { receivedOn: "ASC", recordedAt: "ASC", id: "ASC" },
    }),
  ]);
  const totals = statementTotals(lines);
  const paidYen = payments.reduce((s, p) => s + p.amountYen, 0);
  const receipts = allocatePayments(
    lines.map((l) => ({ id: l.id, totalYen: l.amountYen + l.taxYen })),
    payments.map((p) => ({ amountYen: p.amountYen, receivedAt: receivedAt(p) })),
  );
  return {
    resellerId,
    month,
    monthStart: range.from,
    lines,
    payments,
    receipts,
    ...totals,
    balance: statementBalance({ totalYen: totals.totalYen, paidYen, monthStart: range.from, at: now }),
  };
}

/** The request's statement books, one read per (reseller, month). */
export function statementBooks(loaders: Loaders, m: EntityManager, now: Date) {
  return loaders.batch<StatementBook>("statementBook", (keys) =>
    Promise.all(
      keys.map((k) => {
        const [resellerId, month] = k.split("|");
        return loadStatementBook(m, resellerId, month, now);
      }),
    ),
  );
}

export const bookKey = (resellerId: string, month: string) => `${resellerId}|${month}`;
