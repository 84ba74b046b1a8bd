import { Args, Ctx, Extensions, FieldResolver, ObjectType, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../graphql/context";
import { Connection, PageArgs } from "../graphql/relay";
import { ProductPrice } from "./product-price.entity";
import { Product } from "./product.entity";

/** The catalogue changes rarely, and a new price takes effect from a date (VAL-1): shared caches may keep it 5 minutes. */
const CATALOGUE_CACHE_MAX_AGE_S = 300;

@Extensions({ cacheInherit: true })
@ObjectType({ description: "A page of products." })
export class ProductConnection extends Connection(Product) {}

@Resolver(() => Product)
export class ProductResolver {
  @Extensions({ cacheMaxAge: CATALOGUE_CACHE_MAX_AGE_S })
  @Query(() => ProductConnection, {
    description: `The public catalogue (VAL-1), ordered by code. Cacheable for ${CATALOGUE_CACHE_MAX_AGE_S} s when asked anonymously.`,
  })
  products(@Args() args: PageArgs, @Ctx() ctx: Context): Promise<ProductConnection> {
    return ctx.services.products.list(args);
  }

  @Extensions({ cacheInherit: true })
  @FieldResolver(() => [ProductPrice], { description: "Prices in force now, before consumption tax." })
  prices(@Root() product: Product, @Ctx() ctx: Context): Promise<ProductPrice[]> {
    return ctx.services.products.pricesAt(ctx, product, ctx.services.clock.now());
  }
}
