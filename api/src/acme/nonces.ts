/**
 * ACME-8, RFC 8555 §6.5: anti-replay nonces that work across replicas. A nonce is
 * base64url(issue time ‖ random ‖ MAC), so any replica can tell it is ours and how old it is without
 * a row; using one inserts it into `acme_used_nonce` inside the request's transaction, so a second use
 * anywhere fails (badNonce). Used nonces are pruned once they would have expired anyway.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { EntityManager } from "typeorm";
import { Clock } from "../domain/clock";
import { AcmeProblem } from "./problems";

const TIME_BYTES = 6;
const RANDOM_BYTES = 10;
const MAC_BYTES = 16;
/** Tolerance for replicas whose clocks differ a little. */
const SKEW_MS = 60_000;

export class Nonces {
  constructor(
    private readonly key: Buffer,
    private readonly clock: Clock,
    private readonly lifetimeMs: number,
  ) {}

  issue(): string {
    const head = Buffer.alloc(TIME_BYTES + RANDOM_BYTES);
    head.writeUIntBE(this.clock.now().getTime(), 0, TIME_BYTES);
    randomBytes(RANDOM_BYTES).copy(head, TIME_BYTES);
    return Buffer.concat([head, this.mac(head)]).toString("base64url");
  }

  /** Throws badNonce unless `nonce` is one of ours and young enough; says nothing yet about reuse. */
  check(nonce: unknown): string {
    if (typeof nonce !== "string" || !/^[A-Za-z0-9_-]{1,100}$/.test(nonce))
      throw new AcmeProblem("badNonce", "JWS has no valid anti-replay nonce");
    const raw = Buffer.from(nonce, "base64url");
    if (raw.length !== TIME_BYTES + RANDOM_BYTES + MAC_BYTES)
      throw new AcmeProblem("badNonce", "JWS has an unknown anti-replay nonce");
    const head = raw.subarray(0, TIME_BYTES + RANDOM_BYTES);
    if (!timingSafeEqual(raw.subarray(TIME_BYTES + RANDOM_BYTES), this.mac(head)))
      throw new AcmeProblem("badNonce", "JWS has an unknown anti-replay nonce");
    const age = this.clock.now().getTime() - head.readUIntBE(0, TIME_BYTES);
    if (age > this.lifetimeMs || age < -SKEW_MS) throw new AcmeProblem("badNonce", "JWS anti-replay nonce has expired");
    return nonce;
  }

  /** Marks the nonce used in the caller's transaction; badNonce when it was used before. */
  async consume(db: EntityManager, nonce: string): Promise<void> {
    const rows: unknown[] = await db.query(
      `INSERT INTO acme_used_nonce (nonce, used_at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING nonce`,
      [nonce, this.clock.now()],
    );
    if (rows.length === 0) throw new AcmeProblem("badNonce", "JWS anti-replay nonce was already used");
  }

  /** Deletes used nonces that could no longer be accepted anyway (a job). */
  async prune(db: EntityManager): Promise<void> {
    await db.query(`DELETE FROM acme_used_nonce WHERE used_at < $1`, [
      new Date(this.clock.now().getTime() - this.lifetimeMs - SKEW_MS),
    ]);
  }

  private mac(head: Buffer): Buffer {
    return createHmac("sha256", this.key).update(head).digest().subarray(0, MAC_BYTES);
  }
}
