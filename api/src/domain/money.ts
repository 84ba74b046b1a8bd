/**
 * Money and consumption tax (CON-8). All amounts are integer yen.
 */
import { EffectiveDatedTable, entryInForce, validateEffectiveDatedTable } from "./effective-dated";
import { assertInteger, assertValidDate } from "./jst";

/** Effective-dated consumption-tax rates in whole percent (national + local combined). */
export type TaxRateTable = EffectiveDatedTable<number>;

/**
 * Japan's standard consumption-tax rate history (the 8 % reduced rate for food does not apply to
 * this service). Default of the configurable table.
 */
const DEFAULT_CONSUMPTION_TAX_TABLE: TaxRateTable = Object.freeze([
  { from: "1989-04-01", value: 3 },
  { from: "1997-04-01", value: 5 },
  { from: "2014-04-01", value: 8 },
  { from: "2019-10-01", value: 10 },
]);

validateEffectiveDatedTable(DEFAULT_CONSUMPTION_TAX_TABLE, "DEFAULT_CONSUMPTION_TAX_TABLE");

/**
 * CON-8: the rate in force at `taxPointAt` — the date of the supply the fee is for (the start of the
 * billed period for monthly fees), read as a JST date. Throws for dates before the table starts.
 */
export function consumptionTaxRatePercent(
  taxPointAt: Date,
  table: TaxRateTable = DEFAULT_CONSUMPTION_TAX_TABLE,
): number {
  assertValidDate(taxPointAt, "taxPointAt");
  const entry = entryInForce(table, taxPointAt);
  if (!entry) throw new RangeError(`no consumption-tax rate in force at ${taxPointAt.toISOString()}`);
  return entry.value;
}

export interface TaxedAmount {
  readonly priceYen: number;
  readonly ratePercent: number;
  readonly taxYen: number;
  /** Always priceYen + taxYen. */
  readonly totalYen: number;
}

/** floor(price × rate / 100) in exact integer arithmetic (prices are non-negative integers). */
function taxOn(priceYen: number, ratePercent: number): number {
  return Math.floor((priceYen * ratePercent) / 100);
}

/**
 * CON-8: tax on a tax-exclusive price at the rate in force; yen fractions are rounded down
 * (¥1,999 at 10 % → tax ¥199, total ¥2,198).
 * @rule CON-8
 */
export function applyConsumptionTax(priceYen: number, taxPointAt: Date, table?: TaxRateTable): TaxedAmount {
  assertInteger(priceYen, "priceYen", 0);
  const ratePercent = consumptionTaxRatePercent(taxPointAt, table);
  const taxYen = taxOn(priceYen, ratePercent);
  return { priceYen, ratePercent, taxYen, totalYen: priceYen + taxYen };
}

export interface InvoiceLine {
  readonly priceYen: number;
  readonly taxPointAt: Date;
}

export interface InvoiceTax {
  /** One entry per rate, ascending by rate. */
  readonly byRate: readonly TaxedAmount[];
  readonly priceYen: number;
  readonly taxYen: number;
  readonly totalYen: number;
}

/**
 * CON-8 for an invoice of several lines: lines are grouped by the rate in force for each, and tax
 * is computed and rounded down once per rate on the group's total (the qualified-invoice rule), not
 * line by line.
 */
export function invoiceTax(lines: readonly InvoiceLine[], table?: TaxRateTable): InvoiceTax {
  const sums = new Map<number, number>();
  for (const line of lines) {
    assertInteger(line.priceYen, "priceYen", 0);
    const rate = consumptionTaxRatePercent(line.taxPointAt, table);
    sums.set(rate, (sums.get(rate) ?? 0) + line.priceYen);
  }
  const byRate = [...sums.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([ratePercent, priceYen]) => {
      const taxYen = taxOn(priceYen, ratePercent);
      return { priceYen, ratePercent, taxYen, totalYen: priceYen + taxYen };
    });
  const priceYen = byRate.reduce((s, r) => s + r.priceYen, 0);
  const taxYen = byRate.reduce((s, r) => s + r.taxYen, 0);
  return { byRate, priceYen, taxYen, totalYen: priceYen + taxYen };
}
