import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

export enum DomainValidationMethod {
  HTTP_FILE = "HTTP_FILE",
  DNS_TXT = "DNS_TXT",
}

export enum DomainValidationStatus {
  PENDING = "PENDING",
  VALID = "VALID",
  FAILED = "FAILED",
}

/** APP-9: a domain control validation with its evidence. */
@Entity("domain_validation")
export class DomainValidation {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "subscriber_id", type: "uuid" })
  subscriberId!: string;

  @Column({ name: "application_id", type: "uuid", nullable: true })
  applicationId!: string | null;

  @Column({ name: "name", type: "text" })
  name!: string;

  @Column({ name: "method", type: "text" })
  method!: DomainValidationMethod;

  @Column({ name: "token", type: "text" })
  token!: string;

  @Column({ name: "status", type: "text" })
  status!: DomainValidationStatus;

  @Column({ name: "evidence", type: "jsonb", nullable: true })
  evidence!: Record<string, unknown> | null;

  @Column({ name: "checked_at", type: "timestamptz", nullable: true })
  checkedAt!: Date | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
