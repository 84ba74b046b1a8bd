import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export enum ConsentKind {
  TERMS = "TERMS",
  REGISTRANT_DATA_USE = "REGISTRANT_DATA_USE",
  DATA_SUBJECTS = "DATA_SUBJECTS",
}

/** APP-1: a consent recorded with an application, kept 7 years after the reseller's contract ends (REC-2). */
@Entity("consent")
export class Consent {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "application_id", type: "uuid" })
  applicationId!: string;

  @Column({ name: "reseller_id", type: "uuid" })
  resellerId!: string;

  @Column({ name: "subscriber_id", type: "uuid" })
  subscriberId!: string;

  @Column({ name: "kind", type: "text" })
  kind!: ConsentKind;

  @Column({ name: "terms_version_id", type: "uuid" })
  termsVersionId!: string;

  @Column({ name: "given_by", type: "text" })
  givenBy!: string;

  @Column({ name: "given_at", type: "timestamptz" })
  givenAt!: Date;
}
