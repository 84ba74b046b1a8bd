import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { RevocationReason } from "../revocations/revocation-reason";

export enum CertificateSource {
  ISSUED = "ISSUED",
  IMPORTED = "IMPORTED",
}

/** VAL-8: a certificate, issued by the built-in CA or imported (bring-your-own). */
@Entity("certificate")
export class Certificate {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "contract_id", type: "uuid" })
  contractId!: string;

  @Column({ name: "application_id", type: "uuid", nullable: true })
  applicationId!: string | null;

  @Column({ name: "source", type: "text" })
  source!: CertificateSource;

  @Column({ name: "issuing_ca_id", type: "uuid", nullable: true })
  issuingCaId!: string | null;

  @Column({ name: "serial_hex", type: "text" })
  serialHex!: string;

  @Column({ name: "sha256_fingerprint", type: "text", unique: true })
  sha256Fingerprint!: string;

  @Column({ name: "der", type: "bytea" })
  der!: Buffer;

  @Column({ name: "common_name", type: "text", nullable: true })
  commonName!: string | null;

  @Column({ name: "names", type: "text", array: true })
  names!: string[];

  @Column({ name: "subject_dn", type: "text" })
  subjectDn!: string;

  @Column({ name: "issuer_dn", type: "text" })
  issuerDn!: string;

  @Column({ name: "not_before", type: "timestamptz" })
  notBefore!: Date;

  @Column({ name: "not_after", type: "timestamptz" })
  notAfter!: Date;

  @Column({ name: "key_algorithm", type: "text", nullable: true })
  keyAlgorithm!: string | null;

  @Column({ name: "superseded_by_id", type: "uuid", nullable: true })
  supersededById!: string | null;

  @Column({ name: "revoked_at", type: "timestamptz", nullable: true })
  revokedAt!: Date | null;

  @Column({ name: "revocation_reason", type: "text", nullable: true })
  revocationReason!: RevocationReason | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
