import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export enum MassRevocationStatus {
  RUNNING = "RUNNING",
  COMPLETED = "COMPLETED",
}

/** REV-4: an operator revocation of many certificates, either all of an issuing CA or a list of serials. */
@Entity("mass_revocation")
export class MassRevocation {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  /** Exactly one of issuingCaId and serials is set. */
  @Column({ name: "issuing_ca_id", type: "uuid", nullable: true })
  issuingCaId!: string | null;

  @Column({ name: "serials", type: "text", array: true, nullable: true })
  serials!: string[] | null;

  @Column({ name: "reason", type: "text" })
  reason!: string;

  @Column({ name: "status", type: "text" })
  status!: MassRevocationStatus;

  @Column({ name: "total", type: "int", default: 0 })
  total!: number;

  @Column({ name: "done", type: "int", default: 0 })
  done!: number;

  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;

  @Column({ name: "completed_at", type: "timestamptz", nullable: true })
  completedAt!: Date | null;
}
