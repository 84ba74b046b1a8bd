import { Args, Ctx, FieldResolver, ObjectType, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../graphql/context";
import { Connection, PageArgs } from "../graphql/relay";
import { ProductPrice } from "./product-price.entity";
import { Product } from "./product.entity";

@ObjectType({ description: "A page of products." })
export class ProductConnection extends Connection(Product) {}

@Resolver(() => Product)
export class ProductResolver {
  @Query(() => ProductConnection, { description: "The public catalogue (VAL-1), ordered by code." })
  products(@Args() args: PageArgs, @Ctx() ctx: Context): Promise<ProductConnection> {
    return ctx.services.products.list(args);
  }

  @FieldResolver(() => [ProductPrice], { description: "Prices in force now, before consumption tax." })
  prices(@Root() product: Product, @Ctx() ctx: Context): Promise<ProductPrice[]> {
    return ctx.services.products.pricesAt(ctx, product, ctx.services.clock.now());
  }
}
