import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export enum NoticeRecipient {
  RESELLER = "RESELLER",
  SUBSCRIBER = "SUBSCRIBER",
}

export enum NoticeLanguage {
  JA = "ja",
  EN = "en",
}

export enum NoticeChannel {
  EMAIL = "EMAIL",
  WEB = "WEB",
}

/** NOT-1, NOT-2: a notice to a reseller or subscriber, deemed delivered when sent. */
@Entity("notice")
export class Notice {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "kind", type: "text" })
  kind!: string;

  @Column({ name: "recipient", type: "text" })
  recipient!: NoticeRecipient;

  @Column({ name: "reseller_id", type: "uuid", nullable: true })
  resellerId!: string | null;

  @Column({ name: "subscriber_id", type: "uuid", nullable: true })
  subscriberId!: string | null;

  @Column({ name: "contract_id", type: "uuid", nullable: true })
  contractId!: string | null;

  @Column({ name: "language", type: "text", default: NoticeLanguage.JA })
  language!: NoticeLanguage;

  @Column({ name: "subject", type: "text" })
  subject!: string;

  @Column({ name: "body", type: "text" })
  body!: string;

  @Column({ name: "channel", type: "text" })
  channel!: NoticeChannel;

  /** RES-10: sent by the operator directly to a subscriber. */
  @Column({ name: "direct", type: "boolean", default: false })
  direct!: boolean;

  @Column({ name: "email_to", type: "text", nullable: true })
  emailTo!: string | null;

  @Column({ name: "due_at", type: "timestamptz", nullable: true })
  dueAt!: Date | null;

  @Column({ name: "sent_at", type: "timestamptz", nullable: true })
  sentAt!: Date | null;

  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}
