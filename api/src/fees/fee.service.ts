import { DataSource, EntityManager } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { canSeeResellerData, requireAuthenticated, Actor, systemActor } from "../auth";
import { Contract, ContractStatus } from "../contracts";
import {
  LiabilityBasis,
  Payment,
  TaxRateTable,
  applyConsumptionTax,
  endOfMonthAfter,
  endOfMonthOf,
  feeDueAt,
  jstDateOf,
  liabilityCap,
  minDate,
  startOfMonthOf,
  toJst,
  validateEffectiveDatedTable,
} from "../domain";
import { Clock } from "../domain/clock";
import { badUserInput, forbidden } from "../errors";
import { ConnectionShape, PageRequest, paginate } from "../paging";
import { JobHandler } from "../jobs/job-runner";
import { everyJstMonthEnd } from "../jobs/schedule";
import { PriceKind, IssuanceMode, Product } from "../products";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import type { JobSet } from "../jobs/job-sets";
import { Charge, ChargeKind } from "./charge.entity";
import { StatementBook, bookKey, loadStatementBook, monthOf, statementBooks } from "./statement-book";
import { statementMonth } from "./statement";

export interface ChargeInput {
  resellerId: string;
  contractId: string | null;
  kind: "DESIGNATION" | "ISSUANCE" | "RENEWAL" | "MONTHLY" | "CHANGE" | "ACME_REGISTRATION" | "ACME_CONTINUATION";
  description: string;
  amountYen: number;
  chargedAt: Date;
  periodStart?: Date | null;
  periodEnd?: Date | null;
}

export type Statement = StatementBook;

const ACTOR = systemActor("fees");

/**
 * CON-8: the tax_rate table as [JST date in force from, rate] pairs, oldest first, as one SQL
 * expression, so a statement that reads prices can read the table too. The JST date is taken in SQL
 * (+09:00, no daylight saving), as `jstDateOf` takes it.
 */
const TAX_TABLE_SQL = `(SELECT coalesce(json_agg(json_build_array(to_char(effective_from AT TIME ZONE INTERVAL '+09:00', 'YYYY-MM-DD'), rate_percent) ORDER BY effective_from), '[]') FROM tax_rate)`;
type TaxRows = Array<[string, number]>;

function taxTableOf(rows: TaxRows): TaxRateTable {
  const table = rows.map(([from, value]) => ({ from, value }));
  validateEffectiveDatedTable(table, "tax_rate");
  return table;
}
const UNLIMITED_MONTHLY_JOB = "fees.unlimited-monthly";
const SECOND = 1000;

/**
 * The fee ledger (CON-7, CON-8, RES-6, REV-6). One source of truth for tax: the `tax_rate` table
 * (effective-dated data the operator maintains), handed to the pure rule `applyConsumptionTax`.
 * Prices come from `product_price` (effective-dated per product, term and kind). Charges are only
 * ever added: nothing refunds, negates or deletes one (REV-6; the database refuses it too).
 */
export class FeeService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /** CON-8: the consumption-tax table as stored, each row in force from its JST date (a handful of rows). */
  async taxTable(tx: EntityManager): Promise<TaxRateTable> {
    const rows: { tax: TaxRows }[] = await tx.query(`SELECT ${TAX_TABLE_SQL} AS tax`);
    return taxTableOf(rows[0].tax);
  }

  /** VAL-1, CON-8: the price (yen before tax) in force at `at` for a product, term (null: unlimited) and kind; null when none. */
  async priceFor(
    tx: EntityManager,
    productId: string,
    termMonths: number | null,
    kind: PriceKind | "TERM" | "MONTHLY" | "INITIAL",
    at: Date,
  ): Promise<number | null> {
    return (await this.pricesFor(tx, productId, termMonths, [kind], at))[0];
  }

  /** Several kinds of price at once (a new term's TERM and INITIAL), in one statement; in the order asked. */
  private async pricesFor(
    tx: EntityManager,
    productId: string,
    termMonths: number | null,
    kinds: Array<PriceKind | "TERM" | "MONTHLY" | "INITIAL">,
    at: Date,
  ): Promise<Array<number | null>> {
    return (await this.pricesAndTaxFor(tx, productId, termMonths, kinds, at)).prices;
  }

  /**
   * The prices, and the tax table their charge is taxed by, in one statement (an approval reads both on
   * its critical path). The tax table is null when there is no such product.
   */
  private async pricesAndTaxFor(
    tx: EntityManager,
    productId: string,
    termMonths: number | null,
    kinds: Array<PriceKind | "TERM" | "MONTHLY" | "INITIAL">,
    at: Date,
  ): Promise<{ prices: Array<number | null>; taxTable: TaxRateTable | null }> {
    // VAL-1: a new price is written with the product locked for update; this waits for it (or holds it off until commit).
    const rows: { price_yen: number | null; tax: TaxRows }[] = await tx.query(
      `SELECT (SELECT price_yen FROM product_price
               WHERE product_id = $1 AND term_months IS NOT DISTINCT FROM $2::int AND kind = k.kind AND effective_from <= $4
               ORDER BY effective_from DESC LIMIT 1) AS price_yen,
              ${TAX_TABLE_SQL} AS tax
       FROM product p, unnest($3::text[]) WITH ORDINALITY AS k(kind, n)
       WHERE p.id = $1 ORDER BY k.n FOR KEY SHARE OF p`,
      [productId, termMonths, kinds, at],
    );
    return {
      prices: kinds.map((_, i) => rows[i]?.price_yen ?? null),
      taxTable: rows.length ? taxTableOf(rows[0].tax) : null,
    };
  }

  /**
   * Records a fee the reseller owes (RES-6), in the caller's transaction: tax at the rate in force on
   * `chargedAt`, yen fractions rounded down (CON-8), due by the end of the following month (CON-7).
   * Idempotent: a second charge with the same (contract, kind, period start) — or a second
   * designation fee of the same reseller — records nothing and returns the first.
   */
  async recordCharge(
    tx: EntityManager,
    c: ChargeInput,
    actor: Actor = ACTOR,
    taxTable: TaxRateTable | null = null,
  ): Promise<Charge> {
    const taxed = applyConsumptionTax(c.amountYen, c.chargedAt, taxTable ?? (await this.taxTable(tx))); // CON-8
    const dueAt = feeDueAt(c.chargedAt); // CON-7
    const inserted: { id: string }[] = await tx.query(
      `INSERT INTO charge (reseller_id, contract_id, kind, description, amount_yen, tax_rate_percent, tax_yen, charged_at, due_at, period_start, period_end)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT DO NOTHING RETURNING id::text`,
      [
        c.resellerId,
        c.contractId,
        c.kind,
        c.description,
        c.amountYen,
        taxed.ratePercent,
        taxed.taxYen,
        c.chargedAt,
        dueAt,
        c.periodStart ?? null,
        c.periodEnd ?? null,
      ],
    );
    if (inserted.length === 0) {
      const existing =
        c.kind === "DESIGNATION"
          ? await tx.findOneBy(Charge, { resellerId: c.resellerId, kind: ChargeKind.DESIGNATION })
          : await tx
              .createQueryBuilder(Charge, "ch")
              .where("ch.contract_id = :contract AND ch.kind = :kind AND ch.period_start = :start", {
                contract: c.contractId,
                kind: c.kind,
                start: c.periodStart,
              })
              .getOne();
      if (!existing)
        throw new Error(`charge conflict without an existing charge (${c.kind}, contract ${c.contractId})`);
      return existing;
    }
    // Everything the row holds is known here: no need to read it back.
    const charge = tx.create(Charge, {
      id: inserted[0].id,
      resellerId: c.resellerId,
      contractId: c.contractId ?? null,
      kind: c.kind as ChargeKind,
      description: c.description,
      amountYen: c.amountYen,
      taxRatePercent: taxed.ratePercent,
      taxYen: taxed.taxYen,
      chargedAt: c.chargedAt,
      dueAt,
      periodStart: c.periodStart ?? null,
      periodEnd: c.periodEnd ?? null,
    });
    await this.audit.record(tx, actor, {
      action: "charge.record",
      entityType: "Charge",
      entityId: charge.nodeId,
      resellerId: charge.resellerId,
      after: snapshot(charge),
    });
    return charge;
  }

  /**
   * RES-6: the fees of a contract that was just created by issuance, renewal or bring-your-own
   * import. Fixed terms owe the TERM price for the term (plus an INITIAL price, if one is set, on a
   * new contract); auto-renew contracts and unlimited management owe the first service month
   * (MONTHLY price, the month of issuance, not pro-rated) and then one month at each month end.
   * Contracts without a managing reseller (taken over by the operator, RES-11) owe nothing here.
   * @rule RES-6
   */
  async chargeNewContract(
    tx: EntityManager,
    actor: Actor,
    contract: Contract,
    product: Product,
    kind: "ISSUANCE" | "RENEWAL",
  ): Promise<Charge[]> {
    if (!contract.resellerId) return [];
    const at = contract.startsAt;
    const name = `${product.code} ${product.nameEn}`;
    const monthly = product.autoRenew || contract.termMonths === null;
    const charges: Charge[] = [];
    if (monthly) {
      const initial =
        kind === "ISSUANCE" ? await this.priceFor(tx, product.id, contract.termMonths, PriceKind.INITIAL, at) : null;
      if (initial !== null) {
        charges.push(
          await this.recordCharge(
            tx,
            {
              resellerId: contract.resellerId,
              contractId: contract.id,
              kind,
              description: `${name} — initial fee`,
              amountYen: initial,
              chargedAt: at,
              periodStart: at,
              periodEnd: contract.endsAt,
            },
            actor,
          ),
        );
      }
      charges.push(await this.chargeMonth(tx, actor, contract, product, at, endOfMonthOf(at)));
      return charges;
    }
    // One statement for both prices of a new term (an approval reads them on its critical path).
    const {
      prices: [termPrice, initial = null],
      taxTable,
    } = await this.pricesAndTaxFor(
      tx,
      product.id,
      contract.termMonths,
      kind === "ISSUANCE" ? [PriceKind.TERM, PriceKind.INITIAL] : [PriceKind.TERM],
      at,
    );
    const term = this.required(termPrice, product, contract.termMonths, PriceKind.TERM, at);
    const what = kind === "RENEWAL" ? "renewal" : "new";
    const description = `${name} — ${contract.termMonths} months (${what}${initial !== null ? `, incl. initial fee ${initial}` : ""})`;
    charges.push(
      await this.recordCharge(
        tx,
        {
          resellerId: contract.resellerId,
          contractId: contract.id,
          kind,
          description,
          amountYen: term + (initial ?? 0),
          chargedAt: at,
          periodStart: at,
          periodEnd: contract.endsAt,
        },
        actor,
        taxTable,
      ),
    );
    return charges;
  }

  /**
   * VAL-6, CON-8: one MONTHLY charge per service month added to an auto-renew contract, from the
   * end of the previous period to its new end. Each month is charged at its first instant (the tax
   * point of a monthly fee), so a month starting 2027-01-01 00:00 JST is due 2027-02-28 23:59:59 JST.
   */
  async chargeServicePeriods(
    tx: EntityManager,
    actor: Actor,
    contract: Contract,
    previousEnd: Date,
    newEnd: Date,
  ): Promise<Charge[]> {
    if (!contract.resellerId) return [];
    const product = await tx.findOneByOrFail(Product, { id: contract.productId });
    const charges: Charge[] = [];
    for (let end = previousEnd; end.getTime() < newEnd.getTime();) {
      const start = new Date(end.getTime() + SECOND);
      end = minDate(endOfMonthAfter(end, 1), newEnd);
      charges.push(await this.chargeMonth(tx, actor, contract, product, start, end));
    }
    return charges;
  }

  private async chargeMonth(
    tx: EntityManager,
    actor: Actor,
    contract: Contract,
    product: Product,
    start: Date,
    end: Date,
  ): Promise<Charge> {
    const price = await this.requirePrice(tx, product, contract.termMonths, PriceKind.MONTHLY, start);
    const p = toJst(start);
    const month = `${p.year}-${String(p.month).padStart(2, "0")}`;
    return this.recordCharge(
      tx,
      {
        resellerId: contract.resellerId!,
        contractId: contract.id,
        kind: "MONTHLY",
        description: `${product.code} ${product.nameEn} — service month ${month}`,
        amountYen: price,
        chargedAt: start,
        periodStart: start,
        periodEnd: end,
      },
      actor,
    );
  }

  private async requirePrice(
    tx: EntityManager,
    product: Product,
    termMonths: number | null,
    kind: PriceKind,
    at: Date,
  ): Promise<number> {
    return this.required(await this.priceFor(tx, product.id, termMonths, kind, at), product, termMonths, kind, at);
  }

  private required(
    price: number | null,
    product: Product,
    termMonths: number | null,
    kind: PriceKind,
    at: Date,
  ): number {
    if (price === null) {
      // RES-6: issuing without the fee it owes would lose the charge for good; the catalogue must be fixed first.
      const term = termMonths === null ? "unlimited" : `${termMonths} months`;
      throw refusal(
        RefusalCode.PRICE_NOT_SET,
        `No ${kind} price is in force for ${product.code} (${term}) on ${jstDateOf(at)}.`,
        null,
        `${product.code}（${term}）の${jstDateOf(at)}時点の価格（${kind}）が設定されていません。`,
      );
    }
    return price;
  }

  /**
   * Unlimited bring-your-own management (no term, MONTHLY price) owes one month at the start of
   * each JST month it is still under management. Runs at 00:00 JST on the 1st; a late run charges
   * the month it was scheduled for.
   */
  jobs(): JobSet {
    const handler: JobHandler = async (job, tx) => {
      const scheduled =
        typeof job.payload.scheduledFor === "string" ? new Date(job.payload.scheduledFor) : this.clock.now();
      const monthStart = startOfMonthOf(Number.isNaN(scheduled.getTime()) ? this.clock.now() : scheduled);
      const contracts = await tx
        .createQueryBuilder(Contract, "k")
        .innerJoin(Product, "p", "p.id = k.product_id")
        .where(
          "k.status = :active AND k.term_months IS NULL AND p.issuance_mode = :byo AND k.reseller_id IS NOT NULL",
          { active: ContractStatus.ACTIVE, byo: IssuanceMode.BRING_YOUR_OWN },
        )
        .andWhere(
          "k.starts_at < :monthStart AND (k.cancellation_effective_at IS NULL OR k.cancellation_effective_at >= :monthStart)",
          { monthStart },
        )
        // CON-5: unlimited management of a discontinued product ends with the month of discontinuation.
        .andWhere("(p.discontinued_at IS NULL OR p.discontinued_at >= :monthStart)", { monthStart })
        .getMany();
      for (const c of contracts) {
        const product = await tx.findOneByOrFail(Product, { id: c.productId });
        await this.chargeMonth(tx, ACTOR, c, product, monthStart, endOfMonthOf(monthStart));
      }
    };
    return { handlers: { [UNLIMITED_MONTHLY_JOB]: handler }, recurring: [everyJstMonthEnd(UNLIMITED_MONTHLY_JOB)] };
  }

  // ---- reading the ledger (RES-3: a reseller reaches only its own charges) ----

  async get(scope: RequestScope, id: string): Promise<Charge | null> {
    const c = await scope.loaders.byId(Charge).load(id);
    if (!c) return null;
    return canSeeResellerData(scope.caller, c.resellerId) ? c : null;
  }

  async list(
    scope: RequestScope,
    args: PageRequest,
    filter: { resellerId?: string | null; month?: string | null } = {},
  ): Promise<ConnectionShape<Charge>> {
    const resellerId = this.statementReseller(scope, filter.resellerId ?? null, false);
    const qb = this.ds.getRepository(Charge).createQueryBuilder("ch");
    if (resellerId) qb.andWhere("ch.reseller_id = :rid", { rid: resellerId });
    if (filter.month) {
      const m = this.month(filter.month);
      qb.andWhere("ch.charged_at >= :from AND ch.charged_at < :to", m);
    }
    return paginate(qb, args, ["charged_at", "id"]);
  }

  /**
   * CON-7, CON-8, RES-6: a reseller's statement for one JST month — its lines, totals that are the
   * sums of its lines, the payments recorded against it, and what is still owed or overdue.
   */
  async statement(scope: RequestScope, resellerId: string | null, month: string): Promise<Statement> {
    const rid = this.statementReseller(scope, resellerId, true) as string;
    this.month(month);
    return loadStatementBook(this.ds.manager, rid, month, this.clock.now());
  }

  /** CON-9: what a ledger line has received so far (its share of the statement's payments). */
  async receivedYen(scope: RequestScope, charge: Charge): Promise<number> {
    const books = statementBooks(scope.loaders, this.ds.manager, this.clock.now());
    const book = await books.load(bookKey(charge.resellerId, monthOf(charge.chargedAt)));
    return (book.receipts.get(charge.id) ?? []).reduce((s, r) => s + r.amountYen, 0);
  }

  /**
   * CON-9 [J 19, S 25]: the liability cap of a contract from the fees actually received for it —
   * each of its ledger lines' share of the payments recorded against that line's statement. The
   * product says how they count: all of them, those received in the last 12 months (auto-renew),
   * or pro-rated over the whole months remaining in the term (SECOM style).
   */
  async liabilityCapYen(scope: RequestScope, contract: Contract): Promise<number> {
    const product = await scope.loaders.byId(Product).load(contract.productId);
    const charges = await scope.loaders.manyBy(Charge, "contractId").load(contract.id);
    const now = this.clock.now();
    const books = statementBooks(scope.loaders, this.ds.manager, now);
    const received: Payment[] = [];
    for (const c of charges) {
      const book = await books.load(bookKey(c.resellerId, monthOf(c.chargedAt)));
      for (const r of book.receipts.get(c.id) ?? [])
        received.push({ amountYen: r.amountYen, receivedAt: r.receivedAt });
    }
    const basis: LiabilityBasis = product?.liabilityBasis ?? "RECEIVED_FEES";
    if (basis === "PRORATED_REMAINING_MONTHS" && (contract.termMonths === null || contract.endsAt === null)) return 0;
    return liabilityCap({
      basis,
      payments: received,
      at: now,
      ...(basis === "PRORATED_REMAINING_MONTHS" && {
        termMonths: contract.termMonths as number,
        termEnd: contract.endsAt as Date,
      }),
    }).capYen;
  }

  /** RES-3: a reseller reads only its own ledger; an operator names the reseller (or, for lists, may not). */
  private statementReseller(scope: RequestScope, resellerId: string | null, required: boolean): string | null {
    requireAuthenticated(scope.caller);
    if (scope.caller.kind === "RESELLER") {
      if (resellerId !== null && resellerId !== scope.caller.resellerId)
        throw forbidden("A reseller can read only its own fees (RES-3).");
      return scope.caller.resellerId;
    }
    if (required && resellerId === null) throw badUserInput("Operators must name the reseller (`resellerId`).");
    return resellerId;
  }

  private month(month: string): { from: Date; to: Date } {
    const m = statementMonth(month);
    if (!m) throw badUserInput("`month` must be YYYY-MM (a JST calendar month).");
    return m;
  }
}
