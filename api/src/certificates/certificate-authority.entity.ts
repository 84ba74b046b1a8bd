import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export enum CertificateAuthorityKind {
  ROOT = "ROOT",
  ISSUING = "ISSUING",
}

/** A root or issuing CA of the built-in CA; the private key is stored as encrypted PKCS#8 PEM. */
@Entity("certificate_authority")
export class CertificateAuthority {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "kind", type: "text" })
  kind!: CertificateAuthorityKind;

  @Column({ name: "parent_id", type: "uuid", nullable: true })
  parentId!: string | null;

  @Column({ name: "name", type: "text" })
  name!: string;

  @Column({ name: "key_algorithm", type: "text" })
  keyAlgorithm!: string;

  @Column({ name: "cert_der", type: "bytea" })
  certDer!: Buffer;

  @Column({ name: "encrypted_key_pem", type: "text" })
  encryptedKeyPem!: string;

  @Column({ name: "serial_hex", type: "text", unique: true })
  serialHex!: string;

  @Column({ name: "not_before", type: "timestamptz" })
  notBefore!: Date;

  @Column({ name: "not_after", type: "timestamptz" })
  notAfter!: Date;

  @Column({ name: "active", type: "boolean", default: true })
  active!: boolean;

  /** bigint, as a decimal string. */
  @Column({ name: "last_crl_number", type: "bigint", default: 0 })
  lastCrlNumber!: string;

  /** STAT-1: how many CRL shards new certificates are spread over (0: one CRL, no shards). */
  @Column({ name: "crl_shards", type: "smallint", default: 0 })
  crlShards!: number;

  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}
