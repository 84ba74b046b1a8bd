import type { JsonWebKey } from "node:crypto";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../ids";
import { Node } from "../ids";

export enum AcmeAccountStatus {
  VALID = "valid",
  DEACTIVATED = "deactivated",
  REVOKED = "revoked",
}
registerEnumType(AcmeAccountStatus, {
  name: "AcmeAccountStatus",
  description: "RFC 8555 §7.1.2: valid, deactivated (by the client) or revoked (by the server).",
});

/** ACME-3: an ACME account of one subscriber, bound by an EAB credential; deactivated accounts stay on record. */
@Entity("acme_account")
@ObjectType({
  implements: Node,
  description:
    "ACME-3: an ACME account of one subscriber (RFC 8555 §7.1.2), bound by an External Account Binding credential.",
})
export class AcmeAccount implements Node {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get nodeId(): string {
    return toGlobalId("AcmeAccount", this.id);
  }

  @Column({ name: "reseller_id", type: "uuid" })
  resellerId!: string;

  @Column({ name: "subscriber_id", type: "uuid" })
  subscriberId!: string;

  @Column({ name: "eab_credential_id", type: "uuid" })
  eabCredentialId!: string;

  @Column({ type: "jsonb" })
  jwk!: JsonWebKey;

  @Field({ description: "RFC 7638 thumbprint (SHA-256, base64url) of the account's current public key." })
  @Column({ name: "jwk_thumbprint", type: "text" })
  jwkThumbprint!: string;

  @Field(() => [String], { description: "Contact URLs the client registered (mailto:)." })
  @Column({ type: "text", array: true })
  contact!: string[];

  @Field(() => AcmeAccountStatus, { description: "valid, deactivated or revoked." })
  @Column({ type: "text" })
  status!: AcmeAccountStatus;

  @Field(() => Date, { description: "When the client agreed to the terms of service (termsOfServiceAgreed)." })
  @Column({ name: "terms_agreed_at", type: "timestamptz" })
  termsAgreedAt!: Date;

  @Field(() => Date, { description: "When the account was created." })
  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: "When the client deactivated it; null while valid." })
  @Column({ name: "deactivated_at", type: "timestamptz", nullable: true })
  deactivatedAt!: Date | null;
}
