import { DataSource } from "typeorm";
import { AuditService } from "./audit/audit.service";
import { Config } from "./config";
import { DisputeService } from "./disputes/dispute.service";
import { Clock } from "./domain/clock";
import { EventPublisher } from "./events/event-publisher";
import { OverdueReport } from "./fees/overdue-report";
import { PaymentService } from "./fees/payment.service";
import { UnpaidFeeRevocation } from "./fees/unpaid-fee-revocation";
import { NoticeService } from "./notices/notice.service";
import { CatalogueService } from "./products/catalogue.service";
import { PricingService } from "./products/pricing.service";
import { TermsService } from "./products/terms.service";
import { RevocationService } from "./revocations/revocation.service";
import { SubscriberChangeService } from "./subscribers/subscriber-change.service";
import { SuccessionService } from "./subscribers/succession.service";

/**
 * The operator's side of the business that used to be text only: the catalogue (VAL-1, CON-5,
 * CON-8, NOT-5), the ledger's payments (RES-6, CON-7, CON-9, REV-4), subscriber changes (CON-6)
 * and disputes (APP-6). Built once per process, next to the other services.
 */
export function catalogueServices(x: {
  ds: DataSource;
  clock: Clock;
  config: Config;
  audit: AuditService;
  events: EventPublisher;
  notices: NoticeService;
  revocations: RevocationService;
}) {
  const { ds, clock, audit, events } = x;
  return {
    catalogue: new CatalogueService(ds, clock, audit, events, x.notices),
    pricing: new PricingService(ds, clock, audit, events),
    terms: new TermsService(ds, clock, x.config.publicBaseUrl),
    payments: new PaymentService(ds, clock, audit, events),
    overdueReport: new OverdueReport(ds, clock),
    unpaidFeeRevocation: new UnpaidFeeRevocation(ds, clock, audit, x.revocations),
    subscriberChanges: new SubscriberChangeService(ds, clock, audit, events),
    successions: new SuccessionService(ds, clock, audit, events),
    disputes: new DisputeService(ds, clock, audit, x.revocations),
  };
}
