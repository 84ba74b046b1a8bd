import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

/** NOT-5: a published version of the terms; each consent records the version it agreed to. */
@Entity("terms_version")
export class TermsVersion {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "version", type: "text", unique: true })
  version!: string;

  @Column({ name: "effective_from", type: "timestamptz" })
  effectiveFrom!: Date;

  @Column({ name: "published_at", type: "timestamptz" })
  publishedAt!: Date;

  @Column({ name: "url", type: "text" })
  url!: string;

  /** NOT-5: the document as published, served at /terms/{version}. */
  @Column({ name: "text_ja", type: "text" })
  textJa!: string;

  @Column({ name: "text_en", type: "text" })
  textEn!: string;
}
