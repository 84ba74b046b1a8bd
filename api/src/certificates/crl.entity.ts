import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

/** STAT-1: a CRL issued by an issuing CA; nextUpdate is at most 10 days after thisUpdate. */
@Entity("crl")
export class Crl {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "issuing_ca_id", type: "uuid" })
  issuingCaId!: string;

  /** STAT-1: the shard this CRL lists; null for the CA's legacy (pre-sharding) CRL. */
  @Column({ name: "shard", type: "smallint", nullable: true })
  shard!: number | null;

  /** bigint, as a decimal string; strictly increasing per (CA, shard). */
  @Column({ name: "crl_number", type: "bigint" })
  crlNumber!: string;

  @Column({ name: "this_update", type: "timestamptz" })
  thisUpdate!: Date;

  @Column({ name: "next_update", type: "timestamptz" })
  nextUpdate!: Date;

  @Column({ name: "der", type: "bytea" })
  der!: Buffer;
}
