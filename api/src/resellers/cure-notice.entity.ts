import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export enum CureNoticeGround {
  MATERIAL_BREACH = "MATERIAL_BREACH",
  CREDIT_DETERIORATION = "CREDIT_DETERIORATION",
  NO_RESPONSE = "NO_RESPONSE",
}

/** RES-8: a cure notice to a reseller; the deadline is at least 30 days after issue. */
@Entity("reseller_cure_notice")
export class ResellerCureNotice {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "reseller_id", type: "uuid" })
  resellerId!: string;

  @Column({ name: "ground", type: "text" })
  ground!: CureNoticeGround;

  @Column({ name: "detail", type: "text" })
  detail!: string;

  @Column({ name: "issued_at", type: "timestamptz" })
  issuedAt!: Date;

  @Column({ name: "deadline", type: "timestamptz" })
  deadline!: Date;

  @Column({ name: "cured_at", type: "timestamptz", nullable: true })
  curedAt!: Date | null;
}
