import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { Field, Int, ObjectType } from "type-graphql";

/** APP-3: a submitted document; on rejection the content is destroyed and the record stays. */
@Entity("application_document")
@ObjectType({ description: "A document submitted with an application; its content is destroyed on rejection (APP-3)." })
export class ApplicationDocument {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "application_id", type: "uuid" })
  applicationId!: string;

  @Field({ description: "The file name given at upload." })
  @Column({ name: "filename", type: "text" })
  filename!: string;

  @Field({ description: "Media type: application/pdf, image/png or image/jpeg." })
  @Column({ name: "media_type", type: "text" })
  mediaType!: string;

  @Field(() => Int, { description: "Size of the content as uploaded, in bytes." })
  @Column({ name: "size_bytes", type: "int" })
  sizeBytes!: number;

  @Field({ description: "SHA-256 of the content as uploaded." })
  @Column({ name: "sha256", type: "text" })
  sha256!: string;

  /** Null once destroyed. */
  @Column({ name: "content", type: "bytea", nullable: true })
  content!: Buffer | null;

  @Field(() => Date, { description: "When the document was uploaded (ISO 8601)." })
  @Column({ name: "uploaded_at", type: "timestamptz" })
  uploadedAt!: Date;

  @Field(() => Date, { nullable: true, description: "APP-3: when the content was destroyed; the record stays." })
  @Column({ name: "destroyed_at", type: "timestamptz", nullable: true })
  destroyedAt!: Date | null;
}
