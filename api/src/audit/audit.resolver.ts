import { Arg, Args, Ctx, ID, ObjectType, Query, Resolver } from "type-graphql";
import type { Context } from "../graphql/context";
import { badUserInput } from "../errors";
import { idOfType } from "../ids";
import { Connection, PageArgs } from "../graphql/relay";
import { AuditEvent } from "./audit-event.entity";

@ObjectType({ description: "A page of audit entries, newest first." })
export class AuditEventConnection extends Connection(AuditEvent) {}

@Resolver(() => AuditEvent)
export class AuditResolver {
  @Query(() => AuditEventConnection, { description: "Operator only: the audit log (REC-1), newest first." })
  auditEvents(
    @Args() args: PageArgs,
    @Ctx() ctx: Context,
    @Arg("entityId", () => ID, { nullable: true, description: "Only entries about this object." })
    entityId?: string | null,
    @Arg("resellerId", () => ID, { nullable: true, description: "Only entries of this reseller's records." })
    resellerId?: string | null,
    @Arg("action", () => String, { nullable: true, description: "Only this action, e.g. `subscriber.create`." })
    action?: string | null,
  ): Promise<AuditEventConnection> {
    const rid = resellerId ? idOfType(resellerId, "Reseller") : null;
    if (resellerId && !rid) throw badUserInput("resellerId is not a Reseller ID.");
    return ctx.services.auditQuery.list(ctx, args, { entityId, resellerId: rid, action });
  }
}
