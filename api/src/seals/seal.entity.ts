import { Column, Entity, PrimaryColumn } from "typeorm";

/** SEAL-3: a site seal belongs to one contract (and so to one subscriber); its id is a random URL-safe token. */
@Entity("seal")
export class Seal {
  @PrimaryColumn({ name: "id", type: "text" })
  id!: string;

  @Column({ name: "contract_id", type: "uuid", unique: true })
  contractId!: string;

  @Column({ name: "subscriber_id", type: "uuid" })
  subscriberId!: string;

  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;

  @Column({ name: "removed_at", type: "timestamptz", nullable: true })
  removedAt!: Date | null;
}
