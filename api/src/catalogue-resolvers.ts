import { NameDisputeResolver } from "./disputes/dispute.resolver";
import {
  ChargeReceiptResolver,
  OverdueStatementResolver,
  PaymentResolver,
  StatementBalanceResolver,
} from "./fees/payment.resolver";
import { CatalogueResolver } from "./products/catalogue.resolver";
import { TermsResolver } from "./products/terms.resolver";
import { RevocationGroundResolver } from "./revocations/revocation-ground.resolver";
import {
  SubscriberChangeResolver,
  SubscriberHistoryResolver,
  SuccessionResolver,
} from "./subscribers/subscriber-change.resolver";

/** Resolvers of the catalogue and ledger work; listed in graphql/schema.ts. */
export const catalogueResolvers = [
  CatalogueResolver,
  TermsResolver,
  PaymentResolver,
  StatementBalanceResolver,
  ChargeReceiptResolver,
  OverdueStatementResolver,
  SubscriberChangeResolver,
  SubscriberHistoryResolver,
  SuccessionResolver,
  NameDisputeResolver,
  RevocationGroundResolver,
] as const;
