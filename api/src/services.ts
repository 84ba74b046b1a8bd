import { DataSource } from "typeorm";
import { AuditQueryService } from "./audit/audit-query.service";
import { AuditService } from "./audit/audit.service";
import { ApiKeyService } from "./auth/api-key.service";
import { Config } from "./config";
import { Clock } from "./domain/clock";
import { ProductService } from "./products/product.service";
import { ResellerService } from "./resellers/reseller.service";
import { SubscriberService } from "./subscribers/subscriber.service";

/** Every service, built once per process over one data source and one clock. */
export function createServices(ds: DataSource, clock: Clock, config: Config) {
  const audit = new AuditService(clock);
  return {
    ds,
    clock,
    config,
    audit,
    auditQuery: new AuditQueryService(ds),
    apiKeys: new ApiKeyService(ds, clock, audit),
    products: new ProductService(ds),
    resellers: new ResellerService(ds, clock, audit),
    subscribers: new SubscriberService(ds, clock, audit),
  };
}

export type Services = ReturnType<typeof createServices>;
