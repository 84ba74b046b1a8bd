import { createHmac, randomBytes } from "node:crypto";

/** Header names of a delivery (documented in the README, "Webhooks"). */
export const WEBHOOK_HEADERS = {
  eventId: "Akashi-Event-Id",
  timestamp: "Akashi-Timestamp",
  signature: "Akashi-Signature",
} as const;

/** `v1=` + hex HMAC-SHA256(secret, timestamp + "." + body): the timestamp is signed so a captured request cannot be replayed later. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** A new signing secret: 32 random bytes, shown to the reseller once. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}
