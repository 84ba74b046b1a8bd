import { Arg, Args, Ctx, Field, Int, ObjectType, Query, Resolver, registerEnumType } from "type-graphql";
import { Certificate } from "../certificates";
import { Contract } from "../contracts";
import type { Context } from "../graphql/context";
import { Connection, PageArgs, PageInfo } from "../graphql/relay";
import { ExpiringItem, ExpiringWhat } from "./expiring-soon.service";
import { Notice } from "./notice.entity";

registerEnumType(ExpiringWhat, {
  name: "ExpiringWhat",
  description:
    "What ends: the contract (term end, auto-renew service end or cancellation) or its current certificate (notAfter).",
});

@ObjectType({ description: "A page of notices, oldest first." })
export class NoticeConnection extends Connection(Notice) {}

@ObjectType({ description: "A contract with something ending soon." })
class ExpiringSoonEdge {
  @Field({ description: "Opaque cursor of this edge." })
  cursor!: string;

  @Field(() => Contract, { description: "The contract concerned." })
  node!: Contract;

  @Field(() => ExpiringWhat, { description: "What ends: the CONTRACT or its current CERTIFICATE." })
  what!: ExpiringWhat;

  @Field(() => Date, { description: "When it ends; the list is sorted by this, then by contract." })
  endsAt!: Date;

  @Field(() => Certificate, {
    nullable: true,
    description: "The certificate that expires, when `what` is CERTIFICATE.",
  })
  certificate!: Certificate | null;
}

@ObjectType({ description: "Contracts and certificates ending soon, soonest first." })
export class ExpiringSoonConnection {
  @Field(() => [ExpiringSoonEdge], { description: "The items of this page, each with its cursor." })
  edges!: ExpiringItem[];

  @Field(() => PageInfo, { description: "Whether more pages follow, and the cursor to ask for the next one." })
  pageInfo!: PageInfo;
}

@Resolver(() => Notice)
export class NoticeResolver {
  @Query(() => NoticeConnection, {
    description:
      "Notices (NOT-1): a reseller those sent to it or about its subscribers, the operator all. Unsent ones have `sentAt` null (also while e-mail is not configured).",
  })
  notices(
    @Args() args: PageArgs,
    @Ctx() ctx: Context,
    @Arg("unsentOnly", { defaultValue: false, description: "Only notices not yet sent." }) unsentOnly: boolean,
  ): Promise<NoticeConnection> {
    return ctx.services.notices.list(ctx, args, { unsentOnly });
  }

  @Query(() => ExpiringSoonConnection, {
    description:
      "Contracts whose term (or auto-renew service, or cancellation) ends, or whose current certificate expires, within `withinDays` days, soonest first. A reseller sees its own (RES-3); the operator all.",
  })
  expiringSoon(
    @Arg("withinDays", () => Int, { description: "1 to 365." }) withinDays: number,
    @Args() args: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<ExpiringSoonConnection> {
    return ctx.services.expiringSoon.list(ctx, withinDays, args);
  }
}
