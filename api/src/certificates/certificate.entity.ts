import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Node, toGlobalId } from "../ids";
import type { RevocationReason } from "../revocations";

export enum CertificateSource {
  ISSUED = "ISSUED",
  IMPORTED = "IMPORTED",
}
registerEnumType(CertificateSource, {
  name: "CertificateSource",
  description: "ISSUED by the CA or IMPORTED for management.",
});

/** VAL-8: a certificate, issued by the built-in CA or imported (bring-your-own). */
@Entity("certificate")
@ObjectType({
  implements: Node,
  description: "An X.509 server certificate, issued by the CA or imported for management (VAL-8).",
})
export class Certificate implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("Certificate", this.id);
  }

  @Column({ name: "contract_id", type: "uuid" })
  contractId!: string;

  @Column({ name: "application_id", type: "uuid", nullable: true })
  applicationId!: string | null;

  @Field(() => CertificateSource, {
    description: "ISSUED by Akashi's CA, or IMPORTED (bring-your-own, managed but not issued; VAL-8).",
  })
  @Column({ name: "source", type: "text" })
  source!: CertificateSource;

  @Column({ name: "issuing_ca_id", type: "uuid", nullable: true })
  issuingCaId!: string | null;

  @Field({ name: "serialNumber", description: "Serial number, lower-case hex without separators." })
  @Column({ name: "serial_hex", type: "text" })
  serialHex!: string;

  @Field({ description: "SHA-256 of the DER, lower-case hex without separators." })
  @Column({ name: "sha256_fingerprint", type: "text", unique: true })
  sha256Fingerprint!: string;

  @Column({ name: "der", type: "bytea" })
  der!: Buffer;

  @Field(() => String, {
    nullable: true,
    description:
      "Subject common name (for issued certificates, the first DNS name); null if an imported certificate has none.",
  })
  @Column({ name: "common_name", type: "text", nullable: true })
  commonName!: string | null;

  @Field(() => [String], { description: "DNS names in the certificate (SAN)." })
  @Column({ name: "names", type: "text", array: true })
  names!: string[];

  @Field({ name: "subjectName", description: "Subject distinguished name, e.g. `C=JP, O=…, CN=…`." })
  @Column({ name: "subject_dn", type: "text" })
  subjectDn!: string;

  @Field({ name: "issuerName", description: "Issuer distinguished name." })
  @Column({ name: "issuer_dn", type: "text" })
  issuerDn!: string;

  @Field(() => Date, { description: "Start of validity (ISO 8601)." })
  @Column({ name: "not_before", type: "timestamptz" })
  notBefore!: Date;

  @Field(() => Date, {
    description: "End of validity (ISO 8601): the term end or the VAL-7 lifetime cap, whichever is earlier.",
  })
  @Column({ name: "not_after", type: "timestamptz" })
  notAfter!: Date;

  @Field(() => String, { nullable: true, description: "Key of the certificate, e.g. ECDSA_P256." })
  @Column({ name: "key_algorithm", type: "text", nullable: true })
  keyAlgorithm!: string | null;

  @Column({ name: "superseded_by_id", type: "uuid", nullable: true })
  supersededById!: string | null;

  @Field(() => Date, {
    nullable: true,
    description: "When the revocation was executed (ISO 8601); null if not revoked.",
  })
  @Column({ name: "revoked_at", type: "timestamptz", nullable: true })
  revokedAt!: Date | null;

  @Column({ name: "revocation_reason", type: "text", nullable: true })
  revocationReason!: RevocationReason | null;

  /**
   * STAT-1: the CRL shard of the issuing CA this certificate was put on at issuance (its CRL Distribution
   * Point names it); never changes. Null: issued before sharding (or imported), on the CA's legacy CRL.
   */
  @Column({ name: "crl_shard", type: "smallint", nullable: true })
  crlShard?: number | null;

  @Field(() => Date, { description: "When the record was created (ISO 8601)." })
  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}
