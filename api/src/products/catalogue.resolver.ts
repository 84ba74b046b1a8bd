import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../graphql/context";
import { idOfType } from "../ids";
import { mutate } from "../graphql/user-error";
import {
  CreateProductInput,
  DiscontinueProductInput,
  ProductPayload,
  ProductPricePayload,
  SetProductPriceInput,
  SetTaxRateInput,
  TaxRatePayload,
  UpdateProductInput,
} from "./catalogue.types";
import { ProductPrice } from "./product-price.entity";
import { Product } from "./product.entity";
import { TaxRate } from "./tax-rate.entity";

/** VAL-1, CON-5, CON-8: the operator's catalogue management. Reading stays public. */
@Resolver(() => Product)
export class CatalogueResolver {
  @Mutation(() => ProductPayload, {
    description:
      "VAL-1: add a product to the catalogue (operator). Audited; a PRODUCT_CREATED event goes to every reseller.",
  })
  createProduct(
    @Arg("input", { description: "The product; see the input type." }) input: CreateProductInput,
    @Ctx() ctx: Context,
  ): Promise<ProductPayload> {
    return mutate(
      () => ctx.services.catalogue.create(ctx, input),
      (product) => ({ product }),
    );
  }

  @Mutation(() => ProductPayload, {
    description: "VAL-1: change a product (operator). Audited; PRODUCT_UPDATED when something changed.",
  })
  updateProduct(
    @Arg("input", { description: "What to change; see the input type." }) input: UpdateProductInput,
    @Ctx() ctx: Context,
  ): Promise<ProductPayload> {
    const { productId, ...changes } = input;
    return mutate(
      () => ctx.services.catalogue.update(ctx, idOfType(productId, "Product"), changes),
      (product) => ({ product }),
    );
  }

  @Mutation(() => ProductPricePayload, {
    description: "VAL-1, CON-8: a price for a term option from a date on (operator). Past prices never change.",
  })
  setProductPrice(
    @Arg("input", { description: "The price; see the input type." }) input: SetProductPriceInput,
    @Ctx() ctx: Context,
  ): Promise<ProductPricePayload> {
    return mutate(
      () =>
        ctx.services.pricing.setPrice(ctx, {
          productId: idOfType(input.productId, "Product"),
          termMonths: input.termMonths ?? null,
          kind: input.kind,
          priceYen: input.priceYen,
          effectiveFrom: input.effectiveFrom ?? null,
        }),
      (price) => ({ price }),
    );
  }

  @Mutation(() => TaxRatePayload, {
    description: "CON-8: a consumption-tax rate from a future JST date on (operator).",
  })
  setTaxRate(
    @Arg("input", { description: "The rate; see the input type." }) input: SetTaxRateInput,
    @Ctx() ctx: Context,
  ): Promise<TaxRatePayload> {
    return mutate(
      () => ctx.services.pricing.setTaxRate(ctx, input.effectiveOn, input.ratePercent),
      (taxRate) => ({ taxRate }),
    );
  }

  @Mutation(() => ProductPayload, {
    description:
      "CON-5: discontinue a product (operator): no new applications or renewals; contracts end at their term's " +
      "end; managing resellers are notified.",
  })
  discontinueProduct(
    @Arg("input", { description: "What to discontinue; see the input type." }) input: DiscontinueProductInput,
    @Ctx() ctx: Context,
  ): Promise<ProductPayload> {
    return mutate(
      () =>
        ctx.services.catalogue.discontinue(
          ctx,
          idOfType(input.productId, "Product"),
          input.effectiveAt ?? null,
          input.reason,
        ),
      (product) => ({ product }),
    );
  }

  @Query(() => [TaxRate], {
    description: "CON-8: every consumption-tax rate, oldest first (past, current and scheduled). Public.",
  })
  taxRates(@Ctx() ctx: Context): Promise<TaxRate[]> {
    return ctx.services.pricing.taxRates();
  }

  @FieldResolver(() => [ProductPrice], {
    description: "VAL-1: every price the product has had, has and will have, newest first; rows never change.",
  })
  priceHistory(@Root() product: Product, @Ctx() ctx: Context): Promise<ProductPrice[]> {
    return ctx.services.pricing.history(ctx, product);
  }
}
