import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { StoredProblem } from "./acme-order.entity";

export type AuthzStatus = "pending" | "valid" | "invalid" | "deactivated" | "expired" | "revoked";
export type ChallengeType = "http-01" | "dns-01";
export type ChallengeStatus = "pending" | "processing" | "valid" | "invalid";

/** ACME-4: an authorisation of one identifier of an order, with its challenges (RFC 8555 §7.1.4, §8). */
@Entity("acme_authorization")
export class AcmeAuthorization {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "order_id", type: "uuid" })
  orderId!: string;

  @Column({ name: "account_id", type: "uuid" })
  accountId!: string;

  @Column({ name: "subscriber_id", type: "uuid" })
  subscriberId!: string;

  /** The base name (a wildcard's "*." is not part of the identifier, RFC 8555 §7.1.4). */
  @Column({ type: "text" })
  name!: string;

  @Column({ type: "boolean" })
  wildcard!: boolean;

  @Column({ type: "text" })
  status!: AuthzStatus;

  @Column({ name: "expires_at", type: "timestamptz" })
  expiresAt!: Date;

  /** Null for wildcards: only dns-01 can validate them (ACME-4). */
  @Column({ name: "http_token", type: "text", nullable: true })
  httpToken!: string | null;

  @Column({ name: "dns_token", type: "text" })
  dnsToken!: string;

  @Column({ name: "challenge_type", type: "text", nullable: true })
  challengeType!: ChallengeType | null;

  @Column({ name: "challenge_status", type: "text" })
  challengeStatus!: ChallengeStatus;

  @Column({ name: "validated_at", type: "timestamptz", nullable: true })
  validatedAt!: Date | null;

  @Column({ type: "jsonb", nullable: true })
  error!: StoredProblem | null;

  @Column({ name: "domain_validation_id", type: "uuid", nullable: true })
  domainValidationId!: string | null;

  @Column({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  /** The identifier as ordered: "*.example.jp" for a wildcard. */
  get orderedName(): string {
    return this.wildcard ? `*.${this.name}` : this.name;
  }
}
