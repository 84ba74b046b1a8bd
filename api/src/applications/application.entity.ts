import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";

export enum ApplicationKind {
  NEW = "NEW",
  RENEWAL = "RENEWAL",
  REISSUE = "REISSUE",
  IMPORT = "IMPORT",
}

export enum ApplicationStatus {
  SUBMITTED = "SUBMITTED",
  UNDER_REVIEW = "UNDER_REVIEW",
  AWAITING_DOCUMENTS = "AWAITING_DOCUMENTS",
  APPROVED = "APPROVED",
  ISSUED = "ISSUED",
  REJECTED = "REJECTED",
  WITHDRAWN = "WITHDRAWN",
}

/** APP-2: an application (new, renewal, reissue, import) and its review state. */
@Entity("application")
export class Application {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "reseller_id", type: "uuid" })
  resellerId!: string;

  @Column({ name: "subscriber_id", type: "uuid" })
  subscriberId!: string;

  @Column({ name: "product_id", type: "uuid" })
  productId!: string;

  @Column({ name: "kind", type: "text" })
  kind!: ApplicationKind;

  /** The existing contract for RENEWAL and REISSUE. */
  @Column({ name: "contract_id", type: "uuid", nullable: true })
  contractId!: string | null;

  /** Null: the unlimited term (bring-your-own). */
  @Column({ name: "term_months", type: "int", nullable: true })
  termMonths!: number | null;

  @Column({ name: "names", type: "text", array: true })
  names!: string[];

  @Column({ name: "csr_der", type: "bytea", nullable: true })
  csrDer!: Buffer | null;

  @Column({ name: "carry_over_certificate_der", type: "bytea", nullable: true })
  carryOverCertificateDer!: Buffer | null;

  @Column({ name: "carry_over_months", type: "int", default: 0 })
  carryOverMonths!: number;

  @Column({ name: "status", type: "text" })
  status!: ApplicationStatus;

  @Column({ name: "terms_version_id", type: "uuid" })
  termsVersionId!: string;

  @Column({ name: "idempotency_key", type: "text", nullable: true })
  idempotencyKey!: string | null;

  @Column({ name: "documents_request", type: "text", nullable: true })
  documentsRequest!: string | null;

  @Column({ name: "documents_due_at", type: "timestamptz", nullable: true })
  documentsDueAt!: Date | null;

  @Column({ name: "refusal_code", type: "text", nullable: true })
  refusalCode!: string | null;

  @Column({ name: "rejection_reason", type: "text", nullable: true })
  rejectionReason!: string | null;

  @Column({ name: "reviewer_key_id", type: "uuid", nullable: true })
  reviewerKeyId!: string | null;

  @Column({ name: "submitted_at", type: "timestamptz" })
  submittedAt!: Date;

  @Column({ name: "decided_at", type: "timestamptz", nullable: true })
  decidedAt!: Date | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @UpdateDateColumn({ name: "updated_at", type: "timestamptz" })
  updatedAt!: Date;
}
