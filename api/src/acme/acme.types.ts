import { ArgsType, Field, ID, InputType, ObjectType } from "type-graphql";
import { Connection } from "../graphql/relay";
import { UserError } from "../graphql/user-error";
import { AcmeAccount } from "./acme-account.entity";
import { AcmeOrder } from "./acme-order.entity";
import { AcmeEabCredential } from "./eab-credential.entity";
import { UsageFqdn } from "./usage-fqdn.entity";

@ObjectType({ description: "A page of usage FQDNs." })
export class UsageFqdnConnection extends Connection(UsageFqdn) {}
@ObjectType({ description: "A page of EAB credentials." })
export class AcmeEabCredentialConnection extends Connection(AcmeEabCredential) {}
@ObjectType({ description: "A page of ACME accounts." })
export class AcmeAccountConnection extends Connection(AcmeAccount) {}
@ObjectType({ description: "A page of ACME orders." })
export class AcmeOrderConnection extends Connection(AcmeOrder) {}

@ArgsType()
export class SubscriberFilterArgs {
  @Field(() => ID, { nullable: true, description: "Only those of this subscriber (global ID)." })
  subscriberId?: string | null;
}

@InputType({ description: "ACME-2: register usage FQDNs for a subscriber (each charged the 12-month DV price)." })
export class RegisterUsageFqdnsInput {
  @Field(() => ID, { description: "Global ID of one of the caller's subscribers." })
  subscriberId!: string;
  @Field(() => [String], { description: "DNS names (A-labels); a wildcard as `*.example.jp`. At most 100." })
  names!: string[];
  @Field(() => String, { nullable: true, description: "Retrying with the same key returns the first result." })
  idempotencyKey?: string | null;
}

@InputType({ description: "ACME-2: continue a usage FQDN by 12 months (charged)." })
export class UsageFqdnIdInput {
  @Field(() => ID, { description: "Global ID of the usage FQDN." })
  usageFqdnId!: string;
}

@InputType({ description: "End a usage FQDN now; no refund (REV-6)." })
export class EndUsageFqdnInput {
  @Field(() => ID, { description: "Global ID of the usage FQDN." })
  usageFqdnId!: string;
  @Field(() => String, { nullable: true, description: "Why; recorded in the audit log." })
  reason?: string | null;
}

@InputType({ description: "ACME-3: External Account Binding credentials for a subscriber's ACME client." })
export class CreateAcmeEabCredentialInput {
  @Field(() => ID, { description: "Global ID of one of the caller's subscribers." })
  subscriberId!: string;
  @Field(() => String, { nullable: true, description: "A label for the reseller's own records." })
  label?: string | null;
  @Field(() => Date, {
    nullable: true,
    description: "When it stops being usable; default 30 days (AKASHI_ACME_EAB_DAYS), at most 365 days ahead.",
  })
  expiresAt?: Date | null;
  @Field(() => String, {
    nullable: true,
    description: "Retrying with the same key returns the first result (with the same HMAC key).",
  })
  idempotencyKey?: string | null;
}

@InputType({ description: "ACME-3: revoke an unused EAB credential." })
export class RevokeAcmeEabCredentialInput {
  @Field(() => ID, { description: "Global ID of the EAB credential." })
  eabCredentialId!: string;
}

@ObjectType({ description: "Result of registerUsageFqdns." })
export class RegisterUsageFqdnsPayload {
  @Field(() => [UsageFqdn], { description: "The registrations, in the order of the names; empty when refused." })
  usageFqdns!: UsageFqdn[];
  @Field(() => [UserError], {
    description: "Business refusals; empty when the mutation succeeded (nothing is changed when it is not).",
  })
  userErrors!: UserError[];
}

@ObjectType({ description: "Result of a mutation on one usage FQDN." })
export class UsageFqdnPayload {
  @Field(() => UsageFqdn, { nullable: true, description: "The usage FQDN as it now stands; null when refused." })
  usageFqdn!: UsageFqdn | null;
  @Field(() => [UserError], {
    description: "Business refusals; empty when the mutation succeeded (nothing is changed when it is not).",
  })
  userErrors!: UserError[];
}

@ObjectType({ description: "Result of createAcmeEabCredential: the HMAC key is shown here only." })
export class CreateAcmeEabCredentialPayload {
  @Field(() => AcmeEabCredential, { nullable: true, description: "The credential; null when refused." })
  eabCredential!: AcmeEabCredential | null;
  @Field(() => String, {
    nullable: true,
    description: "The HMAC key (base64url): hand it with keyId to the customer. Shown only here.",
  })
  hmacKey!: string | null;
  @Field(() => String, { nullable: true, description: "The ACME directory URL the customer's client uses." })
  directoryUrl!: string | null;
  @Field(() => [UserError], {
    description: "Business refusals; empty when the mutation succeeded (nothing is changed when it is not).",
  })
  userErrors!: UserError[];
}

@ObjectType({ description: "Result of revokeAcmeEabCredential." })
export class AcmeEabCredentialPayload {
  @Field(() => AcmeEabCredential, {
    nullable: true,
    description: "The credential as it now stands; null when refused.",
  })
  eabCredential!: AcmeEabCredential | null;
  @Field(() => [UserError], {
    description: "Business refusals; empty when the mutation succeeded (nothing is changed when it is not).",
  })
  userErrors!: UserError[];
}
