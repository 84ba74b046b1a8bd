import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

/** APP-3: a submitted document; on rejection the content is destroyed and the record stays. */
@Entity("application_document")
export class ApplicationDocument {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "application_id", type: "uuid" })
  applicationId!: string;

  @Column({ name: "filename", type: "text" })
  filename!: string;

  @Column({ name: "media_type", type: "text" })
  mediaType!: string;

  @Column({ name: "size_bytes", type: "int" })
  sizeBytes!: number;

  @Column({ name: "sha256", type: "text" })
  sha256!: string;

  /** Null once destroyed. */
  @Column({ name: "content", type: "bytea", nullable: true })
  content!: Buffer | null;

  @Column({ name: "uploaded_at", type: "timestamptz" })
  uploadedAt!: Date;

  @Column({ name: "destroyed_at", type: "timestamptz", nullable: true })
  destroyedAt!: Date | null;
}
