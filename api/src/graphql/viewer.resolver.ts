import { Ctx, Field, FieldResolver, ObjectType, Query, Resolver, Root, registerEnumType } from "type-graphql";
import { ApiKey } from "../auth/api-key.entity";
import { Reseller } from "../resellers/reseller.entity";
import type { Context } from "./context";

export enum ViewerKind {
  PUBLIC = "PUBLIC",
  OPERATOR = "OPERATOR",
  RESELLER = "RESELLER",
}
registerEnumType(ViewerKind, { name: "ViewerKind", description: "Who the API key in the request belongs to." });

@ObjectType({ description: "The caller of this request." })
export class Viewer {
  @Field(() => ViewerKind, { description: "PUBLIC (no API key), OPERATOR or RESELLER." })
  kind!: ViewerKind;
  keyId!: string | null;
  resellerId!: string | null;
}

@Resolver(() => Viewer)
export class ViewerResolver {
  @Query(() => Viewer, { description: "Who is calling: public (no key), an operator or a reseller." })
  viewer(@Ctx() ctx: Context): Viewer {
    const c = ctx.caller;
    if (c.kind === "RESELLER") return { kind: ViewerKind.RESELLER, keyId: c.keyId, resellerId: c.resellerId };
    if (c.kind === "OPERATOR") return { kind: ViewerKind.OPERATOR, keyId: c.keyId, resellerId: null };
    return { kind: ViewerKind.PUBLIC, keyId: null, resellerId: null };
  }

  @FieldResolver(() => Reseller, { nullable: true, description: "The calling reseller." })
  reseller(@Root() viewer: Viewer, @Ctx() ctx: Context): Promise<Reseller | null> {
    return viewer.resellerId ? ctx.services.resellers.get(ctx, viewer.resellerId) : Promise.resolve(null);
  }

  @FieldResolver(() => ApiKey, { nullable: true, description: "The key used for this request." })
  apiKey(@Root() viewer: Viewer, @Ctx() ctx: Context): Promise<ApiKey | null> {
    return viewer.keyId ? ctx.services.apiKeys.get(ctx, viewer.keyId) : Promise.resolve(null);
  }
}
