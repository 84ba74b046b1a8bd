import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../ids";
import { Node } from "../ids";

export enum ApiKeyOwner {
  OPERATOR = "OPERATOR",
  RESELLER = "RESELLER",
}
registerEnumType(ApiKeyOwner, {
  name: "ApiKeyOwner",
  description: "Whether a key acts for the operator or for one reseller.",
});

/** RES-2: a credential. Only a SHA-256 hash of the 256-bit secret is stored; the key is shown once. */
@Entity("api_key")
@ObjectType({
  implements: Node,
  description: "An API key (RES-2). The secret itself is never shown again after creation.",
})
export class ApiKey implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("ApiKey", this.id);
  }

  @Field({ description: "The non-secret part of the key (`ak_<publicId>_…`), to tell keys apart in logs." })
  @Column({ name: "public_id" })
  publicId!: string;

  @Column({ name: "secret_hash", type: "bytea" })
  secretHash!: Buffer;

  @Field(() => ApiKeyOwner, { description: "Whether the key acts for the operator or for one reseller." })
  @Column({ name: "owner_kind", type: "text" })
  ownerKind!: ApiKeyOwner;

  @Column({ name: "reseller_id", type: "uuid", nullable: true })
  resellerId!: string | null;

  @Field({ description: "A name to tell keys apart, e.g. `portal-2026`." })
  @Column()
  name!: string;

  @Field(() => Date, { description: "When the key was created (ISO 8601)." })
  @Column({ name: "created_at", type: "timestamptz", default: () => "now()" })
  createdAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description: "When the key stops working (ISO 8601); null if it does not expire.",
  })
  @Column({ name: "expires_at", type: "timestamptz", nullable: true })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true, description: "Last successful use (updated at most once a minute)." })
  @Column({ name: "last_used_at", type: "timestamptz", nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: "When the key was revoked (ISO 8601); null while it is usable (RES-2, RES-9).",
  })
  @Column({ name: "revoked_at", type: "timestamptz", nullable: true })
  revokedAt!: Date | null;
}
