import { DataSource, EntityManager } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { requireOperator } from "../auth";
import { inTransaction } from "../db/transaction";
import { formatJst, maxDate } from "../domain";
import { Clock } from "../domain/clock";
import { EventPublisher, EventType } from "../events";
import { NoticeLanguage, NoticeRecipient, NoticeService } from "../notices";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { ProductFields, checkProductFields, productFieldsOf, sameProductFields } from "./product-fields";
import { IssuanceMode, LiabilityBasis, Product, ValidationLevel } from "./product.entity";

/** A client's "now" is a little in the past when it arrives; this much is still "now". */
export const NOW_TOLERANCE_MS = 5 * 60_000;

export interface CreateProductFields {
  code: string;
  nameJa: string;
  nameEn: string;
  validationLevel?: ValidationLevel | null;
  issuanceMode: IssuanceMode;
  wildcardAllowed: boolean;
  autoRenew: boolean;
  termMonths: number[];
  unlimitedTerm: boolean;
  maxNames: number;
  organizationsOnly: boolean;
  japanBaseRequired: boolean;
  liabilityBasis?: LiabilityBasis | null;
}

/** What may change after creation; null or missing: unchanged. */
export type ProductChanges = {
  [K in keyof Omit<ProductFields, "code" | "validationLevel" | "issuanceMode" | "autoRenew">]?: ProductFields[K] | null;
};

/**
 * VAL-1: the operator keeps the catalogue as data — creates and changes products and discontinues
 * them (CON-5). Every change is audited and announced to every reseller's feed (catalogue events).
 * Prices and tax rates are in pricing.service.ts.
 */
export class CatalogueService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly events: EventPublisher,
    private readonly notices: NoticeService,
  ) {}

  /** Creates a product; creating the same product (same code and fields) again returns it unchanged. */
  async create(scope: RequestScope, input: CreateProductFields): Promise<Product> {
    requireOperator(scope.caller);
    const fields = checkProductFields({
      ...input,
      code: input.code.trim(),
      validationLevel: input.validationLevel ?? null,
      liabilityBasis:
        input.liabilityBasis ??
        (input.autoRenew ? LiabilityBasis.RECEIVED_LAST_12_MONTHS : LiabilityBasis.RECEIVED_FEES),
    });
    const result = await inTransaction(this.ds, async (tx) => {
      const now = this.clock.now();
      const inserted = await tx
        .createQueryBuilder()
        .insert()
        .into(Product)
        .values({ ...fields, discontinuedAt: null, discontinuationReason: null, createdAt: now, updatedAt: now })
        .orIgnore()
        .returning(["id"])
        .execute();
      const id = (inserted.raw as { id: string }[])[0]?.id;
      if (!id) {
        const existing = await tx.findOneByOrFail(Product, { code: fields.code });
        if (sameProductFields(productFieldsOf(existing), fields)) return existing;
        throw refusal(
          RefusalCode.PRODUCT_CODE_EXISTS,
          `A different product with code ${fields.code} exists; codes are never reused.`,
          "input.code",
          `商品コード ${fields.code} は使用済みです。`,
        );
      }
      const product = await tx.findOneByOrFail(Product, { id });
      await this.audit.record(tx, scope, {
        action: "product.create",
        entityType: "Product",
        entityId: product.nodeId,
        resellerId: null,
        after: snapshot(product),
      });
      await this.catalogueEvent(tx, EventType.PRODUCT_CREATED, product, { code: product.code });
      return product;
    });
    scope.loaders.clearAll();
    return result;
  }

  /** Changes a product; only what differs is written (an identical call changes nothing). */
  async update(scope: RequestScope, productId: string | null, changes: ProductChanges): Promise<Product> {
    requireOperator(scope.caller);
    const result = await inTransaction(this.ds, async (tx) => {
      const product = await this.lock(tx, productId);
      const current = productFieldsOf(product);
      const next = checkProductFields({ ...current, ...definedOnly(changes) });
      const changed = (Object.keys(next) as (keyof ProductFields)[]).filter(
        (k) => JSON.stringify(next[k]) !== JSON.stringify(current[k]),
      );
      if (changed.length === 0) return product;
      const before = snapshot(product);
      Object.assign(product, next, { updatedAt: this.clock.now() });
      const saved = await tx.save(product);
      await this.audit.record(tx, scope, {
        action: "product.update",
        entityType: "Product",
        entityId: saved.nodeId,
        resellerId: null,
        before,
        after: snapshot(saved),
      });
      await this.catalogueEvent(tx, EventType.PRODUCT_UPDATED, saved, { code: saved.code, changed });
      return saved;
    });
    scope.loaders.clearAll();
    return result;
  }

  /**
   * CON-5 [I 8]: a discontinued product takes no new applications or renewals; its contracts end
   * at their term's end (unlimited management at the end of the JST month of discontinuation).
   * Each managing reseller gets a notice saying how many of its contracts are concerned.
   * Discontinuing a discontinued product changes nothing.
   */
  async discontinue(
    scope: RequestScope,
    productId: string | null,
    effectiveAt: Date | null,
    reason: string,
  ): Promise<Product> {
    requireOperator(scope.caller);
    const why = reason.trim();
    if (why.length === 0 || why.length > 2000)
      throw refusal(RefusalCode.INVALID_INPUT, "reason must be 1-2000 characters.", "input.reason");
    const result = await inTransaction(this.ds, async (tx) => {
      const product = await this.lock(tx, productId);
      if (product.discontinuedAt) return product;
      const now = this.clock.now();
      if (effectiveAt && effectiveAt.getTime() < now.getTime() - NOW_TOLERANCE_MS) {
        throw refusal(
          RefusalCode.INVALID_INPUT,
          "A product is discontinued now or later, never in the past.",
          "input.effectiveAt",
          "提供終了日時は現在以降にしてください。",
        );
      }
      const at = maxDate(effectiveAt ?? now, now);
      const before = snapshot(product);
      Object.assign(product, { discontinuedAt: at, discontinuationReason: why, updatedAt: now });
      const saved = await tx.save(product);
      await this.audit.record(tx, scope, {
        action: "product.discontinue",
        entityType: "Product",
        entityId: saved.nodeId,
        resellerId: null,
        reason: why,
        before,
        after: snapshot(saved),
      });
      await this.catalogueEvent(tx, EventType.PRODUCT_DISCONTINUED, saved, {
        code: saved.code,
        discontinuedAt: at.toISOString(),
        reason: why,
      });
      await this.noticeManagingResellers(tx, saved, at, why);
      return saved;
    });
    scope.loaders.clearAll();
    return result;
  }

  /** CON-5, RES-5: one notice to each reseller that manages active contracts of the product. */
  private async noticeManagingResellers(tx: EntityManager, product: Product, at: Date, reason: string): Promise<void> {
    const rows: { reseller_id: string; n: number }[] = await tx.query(
      `SELECT reseller_id, count(*)::int AS n FROM contract WHERE product_id = $1 AND status = 'ACTIVE' AND ` +
        `reseller_id IS NOT NULL GROUP BY reseller_id ORDER BY reseller_id`,
      [product.id],
    );
    const when = formatJst(at);
    for (const r of rows) {
      await this.notices.queue(tx, {
        kind: "PRODUCT_DISCONTINUED",
        recipient: NoticeRecipient.RESELLER,
        resellerId: r.reseller_id,
        language: NoticeLanguage.JA,
        dueAt: at,
        subject: `【提供終了のお知らせ】${product.nameJa}（${product.code}）`,
        body:
          `${product.nameJa}（${product.code}）の提供を${when}をもって終了します。理由: ${reason}\n` +
          `貴社が管理する契約${r.n}件は、それぞれの契約期間の満了をもって終了し、更新できません（期間の定めのない管理契約は提供終了月の末日に終了します）。` +
          `契約者様へ速やかにお伝えください。\n\n` +
          `${product.nameEn} (${product.code}) is discontinued from ${when}. Reason: ${reason}\n` +
          `Your ${r.n} active contract(s) of it end at their term's end and cannot be renewed (unlimited ` +
          `management ends at the end of that month).`,
      });
    }
  }

  private async lock(tx: EntityManager, productId: string | null): Promise<Product> {
    const p = productId
      ? await tx.findOne(Product, { where: { id: productId }, lock: { mode: "pessimistic_write" } })
      : null;
    if (!p)
      throw refusal(RefusalCode.PRODUCT_NOT_FOUND, "No such product.", "input.productId", "該当する商品がありません。");
    return p;
  }

  /** Catalogue events go to every reseller's feed: the catalogue is public (VAL-1). */
  private catalogueEvent(
    tx: EntityManager,
    type: EventType,
    product: Product,
    data: Record<string, unknown>,
  ): Promise<void> {
    return this.events.emit(tx, { type, resellerId: null, subjectType: "Product", subjectId: product.nodeId, data });
  }
}

/** The changes actually given (null and missing both mean "unchanged"). */
function definedOnly(o: ProductChanges): Partial<ProductFields> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}
