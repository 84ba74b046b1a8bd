import { FieldResolver, Resolver, Root } from "type-graphql";
import { Revocation } from "./revocation.entity";

@Resolver(() => Revocation)
export class RevocationGroundResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description:
      "The ground stated: the reseller's (REV-3) or the operator's (REV-4, e.g. the unpaid statement or the name " +
      "dispute).",
  })
  ground(@Root() r: Revocation): string | null {
    return r.operatorGround;
  }
}
