import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../ids";
import { Node } from "../ids";

export enum NoticeRecipient {
  RESELLER = "RESELLER",
  SUBSCRIBER = "SUBSCRIBER",
}
registerEnumType(NoticeRecipient, {
  name: "NoticeRecipient",
  description: "Who a notice is addressed to: the managing reseller (RES-5) or a subscriber's NOTICE contact (J 4.5).",
});

export enum NoticeLanguage {
  JA = "ja",
  EN = "en",
}
registerEnumType(NoticeLanguage, { name: "NoticeLanguage", description: "Language a notice is written in." });

export enum NoticeChannel {
  EMAIL = "EMAIL",
  WEB = "WEB",
}
registerEnumType(NoticeChannel, {
  name: "NoticeChannel",
  description:
    "How a notice is delivered: e-mail (delivered when sent) or web posting (delivered when viewable), NOT-2.",
});

/** NOT-1, NOT-2: a notice to a reseller or subscriber, deemed delivered when sent. */
@Entity("notice")
@ObjectType({
  implements: Node,
  description:
    "A notice to a reseller or to a subscriber's registered NOTICE contact (NOT-1, RES-5). An e-mail notice is delivered when sent (NOT-2).",
})
export class Notice implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("Notice", this.id);
  }

  @Field({ description: "What the notice is about, e.g. CERTIFICATE_ISSUED, RENEWAL_DUE, MAINTENANCE." })
  @Column({ name: "kind", type: "text" })
  kind!: string;

  @Field(() => NoticeRecipient, {
    description: "Addressed to the managing reseller (RES-5) or to a subscriber's NOTICE contact.",
  })
  @Column({ name: "recipient", type: "text" })
  recipient!: NoticeRecipient;

  @Column({ name: "reseller_id", type: "uuid", nullable: true })
  resellerId!: string | null;

  @Column({ name: "subscriber_id", type: "uuid", nullable: true })
  subscriberId!: string | null;

  @Column({ name: "contract_id", type: "uuid", nullable: true })
  contractId!: string | null;

  @Column({ name: "announcement_id", type: "uuid", nullable: true })
  announcementId!: string | null;

  @Field(() => NoticeLanguage, { description: "Language the notice is written in: JA (Japanese) or EN (English)." })
  @Column({ name: "language", type: "text", default: NoticeLanguage.JA })
  language!: NoticeLanguage;

  @Field({ description: "Subject line." })
  @Column({ name: "subject", type: "text" })
  subject!: string;

  @Field({ description: "Plain-text body." })
  @Column({ name: "body", type: "text" })
  body!: string;

  @Field(() => NoticeChannel, { description: "How it is delivered: EMAIL or WEB (NOT-1, NOT-2)." })
  @Column({ name: "channel", type: "text" })
  channel!: NoticeChannel;

  /** RES-10: sent by the operator directly to a subscriber. */
  @Field({ description: "RES-10: sent by the operator directly to a subscriber, not through the reseller." })
  @Column({ name: "direct", type: "boolean", default: false })
  direct!: boolean;

  @Field(() => String, {
    nullable: true,
    description:
      "Address written to; null for reseller notices, which go to the reseller's registered contact address at send time.",
  })
  @Column({ name: "email_to", type: "text", nullable: true })
  emailTo!: string | null;

  @Field(() => Date, { nullable: true, description: "Not sent before this time." })
  @Column({ name: "due_at", type: "timestamptz", nullable: true })
  dueAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description:
      "NOT-2: when the e-mail was accepted by the mail server, i.e. delivered; null while unsent (also when e-mail is not configured).",
  })
  @Column({ name: "sent_at", type: "timestamptz", nullable: true })
  sentAt!: Date | null;

  @Field(() => Int, { description: "Failed sending attempts so far." })
  @Column({ name: "attempts", type: "int", default: 0 })
  attempts!: number;

  @Column({ name: "next_attempt_at", type: "timestamptz", nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ name: "last_error", type: "text", nullable: true })
  lastError!: string | null;

  @Field(() => Date, { description: "When the notice was created (ISO 8601)." })
  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}
