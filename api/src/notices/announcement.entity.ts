import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export enum AnnouncementKind {
  MAINTENANCE = "MAINTENANCE",
  SERVICE_END = "SERVICE_END",
  TERMS_CHANGE = "TERMS_CHANGE",
}

/** NOT-3, NOT-4: a public announcement (planned maintenance, end of service, change of terms). */
@Entity("announcement")
export class Announcement {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "kind", type: "text" })
  kind!: AnnouncementKind;

  @Column({ name: "title", type: "text" })
  title!: string;

  @Column({ name: "body", type: "text" })
  body!: string;

  @Column({ name: "starts_at", type: "timestamptz", nullable: true })
  startsAt!: Date | null;

  @Column({ name: "ends_at", type: "timestamptz", nullable: true })
  endsAt!: Date | null;

  @Column({ name: "published_at", type: "timestamptz" })
  publishedAt!: Date;
}
