import { DataSource } from "typeorm";
import { requireOperator } from "../auth";
import { ConnectionShape, PageRequest, paginate } from "../paging";
import { RequestScope } from "../request-scope";
import { AuditEvent } from "./audit-event.entity";

/** Operators read the audit log, newest first, optionally for one object or one reseller. */
export class AuditQueryService {
  constructor(private readonly ds: DataSource) {}

  async list(
    scope: RequestScope,
    args: PageRequest,
    filter: { entityId?: string | null; resellerId?: string | null; action?: string | null },
  ): Promise<ConnectionShape<AuditEvent>> {
    requireOperator(scope.caller);
    const qb = this.ds.getRepository(AuditEvent).createQueryBuilder("a");
    if (filter.entityId) qb.andWhere("a.entity_id = :eid", { eid: filter.entityId });
    if (filter.resellerId) qb.andWhere("a.reseller_id = :rid", { rid: filter.resellerId });
    if (filter.action) qb.andWhere("a.action = :action", { action: filter.action });
    return paginate(qb, args, ["id"], "DESC");
  }
}
