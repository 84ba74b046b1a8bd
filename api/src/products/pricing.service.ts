import { DataSource, EntityManager } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { requireOperator } from "../auth";
import { inTransaction } from "../db/transaction";
import { addDaysToDate, jstDateAt, jstDateOf, maxDate, parseJstDate } from "../domain";
import { Clock } from "../domain/clock";
import { EventPublisher, EventType } from "../events";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { NOW_TOLERANCE_MS } from "./catalogue.service";
import { PriceKind, ProductPrice } from "./product-price.entity";
import { Product } from "./product.entity";
import { TaxRate } from "./tax-rate.entity";

export interface PriceInput {
  productId: string | null;
  termMonths: number | null;
  kind: PriceKind;
  priceYen: number;
  effectiveFrom: Date | null;
}

/** New tax rates are written one at a time (the same rate set twice at once is one rate). */
const TAX_WRITE_LOCK = 0x616b_7478; // "aktx"

/**
 * CON-8: a new rate takes effect from a date at least this many days ahead. Every charge is dated
 * by its own transaction's clock, so none being recorded meanwhile — even one that crosses midnight —
 * can fall on or after that date and miss the new rate; charges need no lock on the tax table.
 */
const TAX_RATE_LEAD_DAYS = 2;

const SECOND = 1000;
const MAX_PRICE_YEN = 100_000_000;
const floorSecond = (d: Date) => new Date(Math.floor(d.getTime() / SECOND) * SECOND);

/**
 * VAL-1, CON-8: prices per product, term option and kind, and consumption-tax rates, both
 * effective-dated. Rows are history (the database refuses to change or delete them): a change is
 * a new row from a date on, and never one that takes effect behind a charge already recorded, so
 * every charge keeps agreeing with the price and rate that history says were in force.
 */
export class PricingService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly events: EventPublisher,
  ) {}

  /** Every price of a product, newest first (what was, is and will be in force). */
  history(scope: RequestScope, product: Product): Promise<ProductPrice[]> {
    return scope.loaders.manyBy(ProductPrice, "productId", { effectiveFrom: "DESC" }).load(product.id);
  }

  taxRates(): Promise<TaxRate[]> {
    return this.ds.getRepository(TaxRate).find({ order: { effectiveFrom: "ASC" } });
  }

  /** A price from `effectiveFrom` (default now) on; setting the price already in force then changes nothing. */
  async setPrice(scope: RequestScope, input: PriceInput): Promise<ProductPrice> {
    requireOperator(scope.caller);
    if (!Number.isInteger(input.priceYen) || input.priceYen < 0 || input.priceYen > MAX_PRICE_YEN) {
      throw refusal(
        RefusalCode.INVALID_INPUT,
        `priceYen must be whole yen from 0 to ${MAX_PRICE_YEN}.`,
        "input.priceYen",
      );
    }
    const result = await inTransaction(this.ds, async (tx) => {
      // Locked: charges take a key-share lock on the product, so none is recorded meanwhile (see FeeService.priceFor).
      const product = input.productId
        ? await tx.findOne(Product, { where: { id: input.productId }, lock: { mode: "pessimistic_write" } })
        : null;
      if (!product)
        throw refusal(
          RefusalCode.PRODUCT_NOT_FOUND,
          "No such product.",
          "input.productId",
          "該当する商品がありません。",
        );
      checkPriceKey(product, input.termMonths, input.kind);
      const at = await this.effectiveFrom(tx, product, input.effectiveFrom);
      const inForce = await priceInForce(tx, product.id, input.termMonths, input.kind, at);
      if (inForce && inForce.priceYen === input.priceYen) return inForce;
      // Only a later price scheduled for exactly that second can be in force there and differ.
      if (inForce && inForce.effectiveFrom.getTime() === at.getTime())
        throw refusal(
          RefusalCode.PRICE_EFFECTIVE_DATE_PASSED,
          "Another price is already set from that moment; prices are history and are not replaced.",
          "input.effectiveFrom",
        );
      const price = await tx.save(
        tx.create(ProductPrice, {
          productId: product.id,
          termMonths: input.termMonths,
          kind: input.kind,
          priceYen: input.priceYen,
          effectiveFrom: at,
        }),
      );
      await this.audit.record(tx, scope, {
        action: "product.price.set",
        entityType: "Product",
        entityId: product.nodeId,
        resellerId: null,
        before: inForce ? snapshot(inForce) : null,
        after: snapshot(price),
      });
      await this.events.emit(tx, {
        type: EventType.PRICE_SCHEDULED,
        resellerId: null,
        subjectType: "Product",
        subjectId: product.nodeId,
        data: {
          code: product.code,
          termMonths: price.termMonths,
          kind: price.kind,
          priceYen: price.priceYen,
          effectiveFrom: at.toISOString(),
        },
      });
      return price;
    });
    scope.loaders.clearAll();
    return result;
  }

  /** CON-8: a consumption-tax rate from a future JST date on; the same rate for the same date again changes nothing. */
  async setTaxRate(scope: RequestScope, effectiveOn: string, ratePercent: number): Promise<TaxRate> {
    requireOperator(scope.caller);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(effectiveOn))
      throw refusal(RefusalCode.INVALID_INPUT, "effectiveOn must be YYYY-MM-DD (JST).", "input.effectiveOn");
    try {
      parseJstDate(effectiveOn);
    } catch {
      throw refusal(RefusalCode.INVALID_INPUT, "effectiveOn is not a calendar date.", "input.effectiveOn");
    }
    if (!Number.isInteger(ratePercent) || ratePercent < 0 || ratePercent > 100)
      throw refusal(RefusalCode.INVALID_INPUT, "ratePercent must be 0-100.", "input.ratePercent");
    return inTransaction(this.ds, async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock($1)`, [TAX_WRITE_LOCK]);
      const from = jstDateAt(effectiveOn);
      const existing = await tx.findOneBy(TaxRate, { effectiveFrom: from });
      if (existing) {
        if (existing.ratePercent === ratePercent) return existing;
        throw refusal(
          RefusalCode.TAX_RATE_EXISTS,
          `A rate of ${existing.ratePercent} % is already set from ${effectiveOn}; rates are history and are not ` +
            `replaced.`,
          "input.effectiveOn",
        );
      }
      const today = jstDateOf(this.clock.now());
      const charged: { n: number }[] = await tx.query(
        `SELECT count(*)::int AS n FROM (SELECT 1 FROM charge WHERE charged_at >= $1 LIMIT 1) x`,
        [from],
      );
      const earliest = addDaysToDate(today, TAX_RATE_LEAD_DAYS);
      if (effectiveOn < earliest || charged[0].n > 0) {
        throw refusal(
          RefusalCode.TAX_RATE_DATE_PASSED,
          `A new rate takes effect from a date on which nothing has been charged yet, ` +
            `${TAX_RATE_LEAD_DAYS} days ahead at the least: ${earliest} at the earliest (CON-8).`,
          "input.effectiveOn",
          "新しい税率は、まだ請求のない将来の日付から適用してください。",
        );
      }
      const rate = await tx.save(tx.create(TaxRate, { effectiveFrom: from, ratePercent }));
      await this.audit.record(tx, scope, {
        action: "taxRate.set",
        entityType: "TaxRate",
        entityId: effectiveOn,
        resellerId: null,
        after: { effectiveOn, ratePercent },
      });
      await this.events.emit(tx, {
        type: EventType.TAX_RATE_SCHEDULED,
        resellerId: null,
        subjectType: "TaxRate",
        subjectId: effectiveOn,
        data: { effectiveOn, ratePercent },
      });
      return rate;
    });
  }

  /**
   * When a new price takes effect: the time asked for (not in the past), in whole seconds like
   * every charge, and after the product's last charge — so no recorded fee disagrees with history.
   */
  private async effectiveFrom(tx: EntityManager, product: Product, asked: Date | null): Promise<Date> {
    const now = this.clock.now();
    if (asked && asked.getTime() < now.getTime() - NOW_TOLERANCE_MS) {
      throw refusal(
        RefusalCode.PRICE_EFFECTIVE_DATE_PASSED,
        "A price takes effect now or later; a past price never changes (VAL-1).",
        "input.effectiveFrom",
        "過去の価格は変更できません。適用開始日時は現在以降にしてください。",
      );
    }
    const at = floorSecond(maxDate(asked ?? now, now));
    const [last]: { at: Date | null }[] = await tx.query(
      `SELECT max(ch.charged_at) AS at FROM charge ch JOIN contract k ON k.id = ch.contract_id WHERE k.product_id ` +
        `= $1 AND ch.charged_at >= $2`,
      [product.id, at],
    );
    return last.at ? new Date(floorSecond(last.at).getTime() + SECOND) : at;
  }
}

/** The price in force at `at` for a product, term (null: unlimited) and kind. */
function priceInForce(
  tx: EntityManager,
  productId: string,
  termMonths: number | null,
  kind: PriceKind,
  at: Date,
): Promise<ProductPrice | null> {
  return tx
    .createQueryBuilder(ProductPrice, "pp")
    .where(
      "pp.product_id = :productId AND pp.term_months IS NOT DISTINCT FROM :termMonths::int AND pp.kind = :kind AND " +
        "pp.effective_from <= :at",
      { productId, termMonths, kind, at },
    )
    .orderBy("pp.effective_from", "DESC")
    .getOne();
}

/**
 * VAL-1, CON-8: which prices a product can have: TERM for fixed terms, MONTHLY for auto-renew and
 * unlimited, INITIAL for any.
 */
function checkPriceKey(product: Product, termMonths: number | null, kind: PriceKind): void {
  const offered = termMonths === null ? product.unlimitedTerm : product.termMonths.includes(termMonths);
  if (!offered)
    throw refusal(
      RefusalCode.TERM_NOT_OFFERED,
      `Product ${product.code} does not offer that term.`,
      "input.termMonths",
      "指定の契約期間はこの商品にありません。",
    );
  const monthly = product.autoRenew || termMonths === null;
  if (kind !== PriceKind.INITIAL && (kind === PriceKind.MONTHLY) !== monthly) {
    const expected = monthly ? "MONTHLY" : "TERM";
    throw refusal(
      RefusalCode.INVALID_INPUT,
      `This term of ${product.code} is charged with a ${expected} price (or INITIAL).`,
      "input.kind",
    );
  }
}
