import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export enum JobStatus {
  PENDING = "PENDING",
  RUNNING = "RUNNING",
  DONE = "DONE",
  FAILED = "FAILED",
}

/** A background job shared by every replica, claimed with FOR UPDATE SKIP LOCKED. */
@Entity("job")
export class Job {
  /** bigserial, as a decimal string. */
  @PrimaryGeneratedColumn({ name: "id", type: "bigint" })
  id!: string;

  @Column({ name: "kind", type: "text" })
  kind!: string;

  @Column({ name: "unique_key", type: "text", nullable: true, unique: true })
  uniqueKey!: string | null;

  @Column({ name: "payload", type: "jsonb", default: {} })
  payload!: Record<string, unknown>;

  @Column({ name: "run_at", type: "timestamptz" })
  runAt!: Date;

  @Column({ name: "status", type: "text", default: JobStatus.PENDING })
  status!: JobStatus;

  @Column({ name: "attempts", type: "int", default: 0 })
  attempts!: number;

  @Column({ name: "locked_until", type: "timestamptz", nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: "last_error", type: "text", nullable: true })
  lastError!: string | null;

  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;

  @Column({ name: "finished_at", type: "timestamptz", nullable: true })
  finishedAt!: Date | null;
}
