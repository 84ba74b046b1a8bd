import { NameDispute } from "./disputes/name-dispute.entity";
import { Payment } from "./fees/payment.entity";
import { SubscriberChange } from "./subscribers/subscriber-change.entity";
import { SubscriberSuccession } from "./subscribers/subscriber-succession.entity";

/** Entities of the catalogue and ledger work (payments, subscriber changes, disputes); listed in db/entities.ts. */
export const catalogueEntities = [Payment, SubscriberChange, SubscriberSuccession, NameDispute];
