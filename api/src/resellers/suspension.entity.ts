import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

/** RES-8, RES-9: a suspension of a reseller, after an uncured notice or (RES-9) immediate. */
@Entity("reseller_suspension")
export class ResellerSuspension {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "reseller_id", type: "uuid" })
  resellerId!: string;

  @Column({ name: "cure_notice_id", type: "uuid", nullable: true })
  cureNoticeId!: string | null;

  @Column({ name: "immediate", type: "boolean", default: false })
  immediate!: boolean;

  @Column({ name: "reason", type: "text" })
  reason!: string;

  @Column({ name: "starts_at", type: "timestamptz" })
  startsAt!: Date;

  /** Null: until cured. */
  @Column({ name: "ends_at", type: "timestamptz", nullable: true })
  endsAt!: Date | null;

  @Column({ name: "lifted_at", type: "timestamptz", nullable: true })
  liftedAt!: Date | null;
}
