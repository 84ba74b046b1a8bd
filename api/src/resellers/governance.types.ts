import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { ApiKey } from "../auth";
import { UserError } from "../graphql/user-error";
import { ResellerAcmeApplication } from "./acme-application.entity";
import { CureNoticeGround, ResellerCureNotice } from "./cure-notice.entity";
import { ResellerRegistrationChange } from "./registration-change.entity";
import { Reseller } from "./reseller.entity";
import { ResellerSuspension } from "./suspension.entity";
import { ResellerTermination } from "./termination.entity";
import { CURE_NOTICE_DEADLINE, HANDOVER_DUE } from "../graphql/rule-descriptions";

@InputType({ description: "RES-1: changed registered data of a reseller; omitted fields stay as they are." })
export class UpdateResellerInput {
  @Field(() => ID, { description: "The reseller." })
  resellerId!: string;
  @Field(() => String, { nullable: true, description: "New registered name." })
  name?: string | null;
  @Field(() => String, { nullable: true, description: "New representative." })
  representativeName?: string | null;
  @Field(() => String, { nullable: true, description: "New contact e-mail address." })
  contactEmail?: string | null;
  @Field(() => String, { nullable: true, description: "New contact phone; an empty string clears it." })
  contactPhone?: string | null;
  @Field(() => String, { nullable: true, description: "New address; an empty string clears it." })
  address?: string | null;
}

@ObjectType({ description: "Result of updateReseller." })
export class UpdateResellerPayload {
  @Field(() => Reseller, { nullable: true, description: "The reseller as it now is." })
  reseller!: Reseller | null;
  @Field(() => [ResellerRegistrationChange], {
    description: "The changes recorded by this update (empty when nothing changed).",
  })
  changes!: ResellerRegistrationChange[];
  @Field(() => [UserError], { description: "Why the update was refused." })
  userErrors!: UserError[];
}

@InputType({ description: "A reseller by ID." })
export class ResellerIdInput {
  @Field(() => ID, { description: "The reseller." })
  resellerId!: string;
}

@ObjectType({ description: "A reseller after a governance change." })
export class ResellerPayload {
  @Field(() => Reseller, { nullable: true, description: "The reseller as it now is." })
  reseller!: Reseller | null;
  @Field(() => [UserError], { description: "Why the change was refused." })
  userErrors!: UserError[];
}

@InputType({ description: "RES-12: the reseller's application for ACME-variant brokering." })
export class ApplyForAcmeInput {
  @Field(() => String, { nullable: true, description: "A note to the operator (at most 2000 characters)." })
  note?: string | null;
}

@ObjectType({ description: "Result of applyForAcme." })
export class AcmeApplicationPayload {
  @Field(() => ResellerAcmeApplication, { nullable: true, description: "The application, waiting for the operator." })
  acmeApplication!: ResellerAcmeApplication | null;
  @Field(() => [UserError], { description: "Why the application was refused." })
  userErrors!: UserError[];
}

@InputType({ description: "RES-2: invalidate every key of a reseller at once." })
export class InvalidateAllKeysInput {
  @Field(() => ID, { description: "The reseller." })
  resellerId!: string;
  @Field({ description: "Why, for the audit log." })
  reason!: string;
}

@ObjectType({ description: "Result of invalidateAllKeys." })
export class InvalidateAllKeysPayload {
  @Field(() => Reseller, { nullable: true, description: "The reseller." })
  reseller!: Reseller | null;
  @Field(() => Int, { description: "How many keys stopped working." })
  revokedCount!: number;
  @Field(() => [UserError], { description: "Why it was refused." })
  userErrors!: UserError[];
}

@InputType({
  description: "RES-2: rotate a key without downtime: a new key at once, the old one revoked after the overlap.",
})
export class RotateApiKeyInput {
  @Field(() => ID, { description: "The key to replace." })
  id!: string;
  @Field(() => String, { nullable: true, description: 'Name of the new key; default: the old name with "(rotated)".' })
  name?: string | null;
  @Field(() => Int, { nullable: true, description: "Hours the old key keeps working (0-168, default 24)." })
  overlapHours?: number | null;
  @Field(() => Date, { nullable: true, description: "Optional expiry of the new key." })
  expiresAt?: Date | null;
}

@ObjectType({ description: "Result of rotateApiKey." })
export class RotateApiKeyPayload {
  @Field(() => ApiKey, { nullable: true, description: "The new key." })
  apiKey!: ApiKey | null;
  @Field(() => String, { nullable: true, description: "The new secret key, shown this once only." })
  key!: string | null;
  @Field(() => ApiKey, { nullable: true, description: "The old key, with the time it stops working as revokedAt." })
  previousApiKey!: ApiKey | null;
  @Field(() => [UserError], { description: "Why the rotation was refused." })
  userErrors!: UserError[];
}

@InputType({ description: "RES-8: a cure notice." })
export class IssueCureNoticeInput {
  @Field(() => ID, { description: "The reseller." })
  resellerId!: string;
  @Field(() => CureNoticeGround, { description: "The ground." })
  ground!: CureNoticeGround;
  @Field({ description: "What must be cured." })
  detail!: string;
  @Field(() => Date, { description: CURE_NOTICE_DEADLINE })
  deadline!: Date;
}

@InputType({ description: "A cure notice by ID." })
export class CureNoticeIdInput {
  @Field(() => ID, { description: "The cure notice." })
  cureNoticeId!: string;
}

@ObjectType({ description: "A cure notice after a change." })
export class CureNoticePayload {
  @Field(() => ResellerCureNotice, { nullable: true, description: "The cure notice." })
  cureNotice!: ResellerCureNotice | null;
  @Field(() => [UserError], { description: "Why it was refused." })
  userErrors!: UserError[];
}

@InputType({ description: "RES-8: suspend a reseller whose cure deadline passed without cure." })
export class SuspendResellerInput {
  @Field(() => ID, { description: "The reseller." })
  resellerId!: string;
  @Field(() => ID, { description: "The uncured notice whose deadline has passed." })
  cureNoticeId!: string;
  @Field(() => Date, { nullable: true, description: "Start; default now; not before the cure deadline." })
  startsAt?: Date | null;
  @Field(() => Date, { nullable: true, description: "End; null: until cured." })
  endsAt?: Date | null;
  @Field({ description: "The reason stated in the suspension notice." })
  reason!: string;
}

@InputType({ description: "RES-9: invalidate every key and suspend at once." })
export class SuspendImmediatelyInput {
  @Field(() => ID, { description: "The reseller." })
  resellerId!: string;
  @Field({ description: "Compromised credentials or the breach of the credential rules." })
  reason!: string;
}

@InputType({ description: "End a suspension." })
export class LiftSuspensionInput {
  @Field(() => ID, { description: "The suspension." })
  suspensionId!: string;
  @Field({ description: "Why (RES-9: the cause is confirmed removed)." })
  reason!: string;
}

@ObjectType({ description: "A suspension after a change." })
export class SuspensionPayload {
  @Field(() => ResellerSuspension, { nullable: true, description: "The suspension." })
  suspension!: ResellerSuspension | null;
  @Field(() => Reseller, { nullable: true, description: "The reseller as it now is." })
  reseller!: Reseller | null;
  @Field(() => Int, { description: "RES-9: keys invalidated by this change." })
  revokedKeyCount!: number;
  @Field(() => [UserError], { description: "Why it was refused." })
  userErrors!: UserError[];
}

@InputType({
  description: "RES-10: a notice from the operator directly to every subscriber of a suspended or terminated reseller.",
})
export class NotifySubscribersDirectlyInput {
  @Field(() => ID, { description: "The reseller." })
  resellerId!: string;
  @Field({ description: "Subject (1-200 characters)." })
  subject!: string;
  @Field({ description: "Body: e.g. the effective date and the handling of certificates, or the suspension period." })
  body!: string;
}

@ObjectType({ description: "RES-10: a notice sent directly to a subscriber, recorded with its recipient." })
export class DirectNotice {
  @Field(() => ID, { description: "Opaque ID of the notice." })
  id!: string;
  @Field(() => ID, { description: "The subscriber it went to." })
  subscriberId!: string;
  @Field(() => String, {
    nullable: true,
    description: "The address it went to; null when the subscriber has no contact (web only).",
  })
  emailTo!: string | null;
  @Field({ description: "EMAIL or WEB." })
  channel!: string;
  @Field({ description: "Subject." })
  subject!: string;
  @Field({ description: "Body." })
  body!: string;
  @Field(() => Date, { description: "When it was written." })
  createdAt!: Date;
  @Field(() => Date, { nullable: true, description: "When it was delivered; null while queued." })
  sentAt!: Date | null;
}

@ObjectType({ description: "Result of notifySubscribersDirectly." })
export class DirectNoticesPayload {
  @Field(() => [DirectNotice], { description: "One notice per subscriber." })
  notices!: DirectNotice[];
  @Field(() => [UserError], { description: "Why it was refused." })
  userErrors!: UserError[];
}

@InputType({ description: "RES-11, REV-9: terminate a reseller's contract." })
export class TerminateResellerInput {
  @Field(() => ID, { description: "The reseller." })
  resellerId!: string;
  @Field(() => Date, { nullable: true, description: "When the contract ends; default now." })
  effectiveAt?: Date | null;
  @Field(() => Date, { description: HANDOVER_DUE })
  handoverDeadline!: Date;
  @Field(() => Date, {
    nullable: true,
    description: "REV-9: revoke its auto-renew-type certificates on this date; null: none.",
  })
  autoRenewRevocationDate?: Date | null;
  @Field({ description: "Why." })
  reason!: string;
}

@ObjectType({ description: "Result of terminateReseller." })
export class TerminateResellerPayload {
  @Field(() => ResellerTermination, { nullable: true, description: "The termination." })
  termination!: ResellerTermination | null;
  @Field(() => Reseller, { nullable: true, description: "The reseller as it now is." })
  reseller!: Reseller | null;
  @Field(() => Int, { description: "REV-9: revocations scheduled for autoRenewRevocationDate." })
  scheduledRevocations!: number;
  @Field(() => [UserError], { description: "Why it was refused." })
  userErrors!: UserError[];
}

@InputType({ description: "RES-11: move a terminated reseller's remaining contracts." })
export class TakeOverContractsInput {
  @Field(() => ID, { description: "The terminated reseller." })
  resellerId!: string;
  @Field(() => ID, { nullable: true, description: "The successor reseller; null: the operator takes them over." })
  successorResellerId?: string | null;
}

@ObjectType({ description: "Result of takeOverContracts." })
export class TakeOverContractsPayload {
  @Field(() => ResellerTermination, { nullable: true, description: "The termination, with takenOverAt." })
  termination!: ResellerTermination | null;
  @Field(() => Reseller, { nullable: true, description: "The successor; null when the operator took over." })
  successor!: Reseller | null;
  @Field(() => Int, { description: "Contracts moved." })
  contractsMoved!: number;
  @Field(() => Int, { description: "Subscribers moved." })
  subscribersMoved!: number;
  @Field(() => [UserError], { description: "Why it was refused." })
  userErrors!: UserError[];
}

@ObjectType({ description: "Applications in one state." })
export class ApplicationStateCount {
  @Field({ description: "The application state." })
  state!: string;
  @Field(() => Int, { description: "How many." })
  count!: number;
}

@ObjectType({ description: "RES-7: a reseller's activity in a period [from, to)." })
export class ActivityReport {
  @Field(() => Reseller, { description: "The reseller." })
  reseller!: Reseller;
  @Field(() => Date, { description: "Start of the period (inclusive)." })
  from!: Date;
  @Field(() => Date, { description: "End of the period (exclusive)." })
  to!: Date;
  @Field(() => Date, { description: "When the report was made." })
  generatedAt!: Date;
  @Field(() => [ApplicationStateCount], { description: "Applications submitted in the period, by current state." })
  applicationsByState!: ApplicationStateCount[];
  @Field(() => Int, { description: "Applications submitted in the period." })
  applicationsSubmitted!: number;
  @Field(() => Int, { description: "Certificates issued in the period for its applications." })
  certificatesIssued!: number;
  @Field(() => Int, { description: "Of those, issued for renewals." })
  certificatesRenewed!: number;
  @Field(() => Int, { description: "Certificates revoked in the period." })
  certificatesRevoked!: number;
  @Field(() => Int, { description: "RES-6: fees charged in the period, before tax (yen)." })
  feesYen!: number;
  @Field(() => Int, { description: "Consumption tax on those fees (yen)." })
  feesTaxYen!: number;
  @Field(() => Int, { description: "Fees owed including tax (yen)." })
  feesTotalYen!: number;
}
