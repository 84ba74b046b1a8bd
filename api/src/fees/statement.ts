import { formatJst, startOfMonth } from "../domain";

/** What a statement needs of a ledger line. */
export interface StatementLine {
  readonly amountYen: number;
  readonly taxRatePercent: number;
  readonly taxYen: number;
}

interface RateTotal {
  readonly ratePercent: number;
  readonly baseYen: number;
  readonly taxYen: number;
}

export interface StatementTotals {
  readonly subtotalYen: number;
  readonly taxYen: number;
  readonly totalYen: number;
  /** Ascending by rate. */
  readonly taxByRate: RateTotal[];
}

/**
 * CON-8: the totals of a statement are the sums of its lines, exactly. Tax is rounded down once per
 * line, when the charge is recorded (`applyConsumptionTax`), not again per rate on the statement
 * (`invoiceTax`): a charge is owed and due on its own (CON-7) before any statement exists and never
 * changes afterwards (REV-6), so re-rounding per rate would make a statement disagree with the
 * lines it lists. The per-rate breakdown is therefore the sum of the lines' own tax.
 */
export function statementTotals(lines: readonly StatementLine[]): StatementTotals {
  const byRate = new Map<number, { baseYen: number; taxYen: number }>();
  let subtotalYen = 0;
  let taxYen = 0;
  for (const l of lines) {
    subtotalYen += l.amountYen;
    taxYen += l.taxYen;
    const r = byRate.get(l.taxRatePercent) ?? { baseYen: 0, taxYen: 0 };
    r.baseYen += l.amountYen;
    r.taxYen += l.taxYen;
    byRate.set(l.taxRatePercent, r);
  }
  const taxByRate = [...byRate.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([ratePercent, r]) => ({ ratePercent, ...r }));
  return { subtotalYen, taxYen, totalYen: subtotalYen + taxYen, taxByRate };
}

/** A statement month "YYYY-MM" (JST) as the half-open interval [from, to); null when malformed. */
export function statementMonth(month: string): { from: Date; to: Date } | null {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) return null;
  const year = Number(m[1]);
  if (year < 1989) return null; // no consumption tax, and no Akashi, before then
  const mon = Number(m[2]);
  return { from: startOfMonth(year, mon), to: startOfMonth(year, mon + 1) };
}

export interface CsvLine extends StatementLine {
  readonly chargedAt: Date;
  readonly dueAt: Date;
  readonly kind: string;
  readonly description: string;
  readonly contractId: string | null;
  readonly periodStart: Date | null;
  readonly periodEnd: Date | null;
}

const CSV_HEADER = [
  "charged_at",
  "due_at",
  "kind",
  "description",
  "contract_id",
  "period_start",
  "period_end",
  "amount_yen",
  "tax_rate_percent",
  "tax_yen",
  "total_yen",
];

/** RFC 4180 quoting; a leading =, +, - or @ is neutralised so that a spreadsheet never runs a cell as a formula. */
function cell(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The CSV form of a monthly statement: a header row, one row per charge, and a TOTAL row whose
 * amounts are the column sums (times in JST, amounts as integer yen, CRLF line ends as RFC 4180).
 */
export function statementCsv(lines: readonly CsvLine[], contractGlobalId: (uuid: string) => string): string {
  const totals = statementTotals(lines);
  const rows: (string | number | null)[][] = [CSV_HEADER];
  for (const l of lines) {
    rows.push([
      formatJst(l.chargedAt),
      formatJst(l.dueAt),
      l.kind,
      l.description,
      l.contractId ? contractGlobalId(l.contractId) : null,
      l.periodStart ? formatJst(l.periodStart) : null,
      l.periodEnd ? formatJst(l.periodEnd) : null,
      l.amountYen,
      l.taxRatePercent,
      l.taxYen,
      l.amountYen + l.taxYen,
    ]);
  }
  rows.push(["TOTAL", null, null, null, null, null, null, totals.subtotalYen, null, totals.taxYen, totals.totalYen]);
  return rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}
