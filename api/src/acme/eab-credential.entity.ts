import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../ids";
import { Node } from "../ids";

export enum EabCredentialStatus {
  UNUSED = "UNUSED",
  USED = "USED",
  REVOKED = "REVOKED",
  EXPIRED = "EXPIRED",
}
registerEnumType(EabCredentialStatus, {
  name: "EabCredentialStatus",
  description:
    "ACME-3: UNUSED (can bind one new ACME account), USED (bound an account), REVOKED or EXPIRED (can no longer bind).",
});

/** ACME-3: External Account Binding credentials for one subscriber; the HMAC key is shown once and never stored. */
@Entity("acme_eab_credential")
@ObjectType({
  implements: Node,
  description: "ACME-3: an External Account Binding credential (key id + HMAC key) for one subscriber's ACME account.",
})
export class AcmeEabCredential implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("AcmeEabCredential", this.id);
  }

  @Column({ name: "reseller_id", type: "uuid" })
  resellerId!: string;

  @Column({ name: "subscriber_id", type: "uuid" })
  subscriberId!: string;

  @Field({ description: "The key identifier the ACME client sends (certbot --eab-kid, lego --eab --kid)." })
  @Column({ name: "key_id", type: "text" })
  keyId!: string;

  @Field({ description: "The reseller's label for it." })
  @Column({ type: "text" })
  label!: string;

  @Field(() => Date, { description: "When it was created." })
  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @Field(() => Date, { description: "After this it can no longer bind an account." })
  @Column({ name: "expires_at", type: "timestamptz" })
  expiresAt!: Date;

  @Field(() => Date, { nullable: true, description: "When it was revoked; null if not." })
  @Column({ name: "revoked_at", type: "timestamptz", nullable: true })
  revokedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: "When it bound an ACME account; null while unused." })
  @Column({ name: "used_at", type: "timestamptz", nullable: true })
  usedAt!: Date | null;

  @Column({ name: "account_id", type: "uuid", nullable: true })
  accountId!: string | null;

  @Column({ name: "idempotency_key", type: "text", nullable: true })
  idempotencyKey!: string | null;

  status(now: Date): EabCredentialStatus {
    if (this.usedAt) return EabCredentialStatus.USED;
    if (this.revokedAt) return EabCredentialStatus.REVOKED;
    return this.expiresAt.getTime() <= now.getTime() ? EabCredentialStatus.EXPIRED : EabCredentialStatus.UNUSED;
  }
}
