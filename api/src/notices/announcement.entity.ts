import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../ids";
import { Node } from "../ids";

export enum AnnouncementKind {
  MAINTENANCE = "MAINTENANCE",
  SERVICE_END = "SERVICE_END",
  TERMS_CHANGE = "TERMS_CHANGE",
}
registerEnumType(AnnouncementKind, {
  name: "AnnouncementKind",
  description: "Planned maintenance (NOT-3), end of the whole service (NOT-4) or a new version of the terms (NOT-5).",
});

/** NOT-3, NOT-4: a public announcement (planned maintenance, end of service, change of terms). */
@Entity("announcement")
@ObjectType({
  implements: Node,
  description:
    "A public announcement by the operator. As a web posting it is delivered when it becomes viewable, at `publishedAt` (NOT-2).",
})
export class Announcement implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("Announcement", this.id);
  }

  @Field(() => AnnouncementKind, { description: "MAINTENANCE (NOT-3), SERVICE_END (NOT-4) or TERMS_CHANGE (NOT-5)." })
  @Column({ name: "kind", type: "text" })
  kind!: AnnouncementKind;

  @Field({ description: "Headline; for maintenance, its reason (NOT-3)." })
  @Column({ name: "title", type: "text" })
  title!: string;

  @Field({ description: "Full text." })
  @Column({ name: "body", type: "text" })
  body!: string;

  @Field(() => Date, {
    nullable: true,
    description: "Maintenance: start of the period. Terms change: when the new version takes effect.",
  })
  @Column({ name: "starts_at", type: "timestamptz", nullable: true })
  startsAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: "Maintenance: end of the period. Service end: when the service ends.",
  })
  @Column({ name: "ends_at", type: "timestamptz", nullable: true })
  endsAt!: Date | null;

  @Column({ name: "terms_version_id", type: "uuid", nullable: true })
  termsVersionId!: string | null;

  @Field(() => Date, { description: "NOT-2: when it became viewable here." })
  @Column({ name: "published_at", type: "timestamptz" })
  publishedAt!: Date;
}
