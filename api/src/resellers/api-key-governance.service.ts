import { DataSource, EntityManager } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { inTransaction } from "../db/transaction";
import { formatJst } from "../domain";
import { Clock } from "../domain/clock";
import { toGlobalId } from "../ids";
import { JobHandler } from "../jobs/job-runner";
import { RecurringJob, dailyAtJst } from "../jobs/schedule";
import { NoticeLanguage, NoticeRecipient, NoticeService } from "../notices";
import { EventPublisher, EventType } from "../events";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { Reseller, ResellerStatus } from "./reseller.entity";
import { ApiKey, ApiKeyOwner, generateKeySecret, canSeeResellerData, requireOperator, Actor } from "../auth";
import { CreatedKey } from "./api-key.service";

export const API_KEY_EXPIRY_JOB = "apiKey.expiryNotices";
/** RES-2: keys expiring within this many days appear in the reseller's notices, once per key. */
const KEY_EXPIRY_NOTICE_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_OVERLAP_HOURS = 24 * 7;

/**
 * RES-2, RES-9: revokes at `at` every key of the reseller not yet revoked by then (a rotation's later
 * revocation is brought forward), in the caller's transaction, one audit entry per key.
 * Returns the number of keys revoked.
 */
export async function revokeAllKeysOf(
  tx: EntityManager,
  audit: AuditService,
  actor: Actor,
  resellerId: string,
  at: Date,
  reason: string,
): Promise<number> {
  const keys = await tx
    .createQueryBuilder(ApiKey, "k")
    .setLock("pessimistic_write")
    .where("k.reseller_id = :resellerId AND (k.revoked_at IS NULL OR k.revoked_at > :at)", { resellerId, at })
    .getMany();
  for (const key of keys) {
    const before = snapshot(key, ["secretHash"]);
    key.revokedAt = at;
    await tx.update(ApiKey, { id: key.id }, { revokedAt: at });
    await audit.record(tx, actor, {
      action: "apiKey.revoke",
      entityType: "ApiKey",
      entityId: toGlobalId("ApiKey", key.id),
      resellerId,
      reason,
      before,
      after: snapshot(key, ["secretHash"]),
    });
  }
  return keys.length;
}

export interface RotateInput {
  id: string | null;
  name?: string | null;
  /** How long the old key keeps working after the new one exists (default 24 hours, at most 7 days). */
  overlapHours?: number | null;
  expiresAt?: Date | null;
}

/** Key governance on top of ApiKeyService: rotation with overlap, revoke-all, expiry notices (RES-2). */
export class ApiKeyGovernanceService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly notices: NoticeService,
    private readonly events: EventPublisher | null = null,
  ) {}

  /** RES-2: the operator invalidates every key of a reseller at once. */
  async invalidateAll(
    scope: RequestScope,
    resellerId: string | null,
    reason: string,
  ): Promise<{ reseller: Reseller; revokedCount: number }> {
    requireOperator(scope.caller);
    return inTransaction(this.ds, async (tx) => {
      const reseller = resellerId ? await tx.findOneBy(Reseller, { id: resellerId }) : null;
      if (!reseller) throw refusal(RefusalCode.NOT_FOUND, "No such reseller.", "input.resellerId");
      const revokedCount = await revokeAllKeysOf(tx, this.audit, scope, reseller.id, this.clock.now(), reason);
      return { reseller, revokedCount };
    });
  }

  /**
   * RES-2: rotation without downtime. The new key works at once; the old one keeps working for the
   * overlap and is then revoked (its revocation time is set now, so nothing has to run later).
   */
  async rotate(scope: RequestScope, input: RotateInput): Promise<CreatedKey & { previous: ApiKey }> {
    const c = scope.caller;
    const overlapHours = input.overlapHours ?? 24;
    if (!Number.isInteger(overlapHours) || overlapHours < 0 || overlapHours > MAX_OVERLAP_HOURS) {
      throw refusal(RefusalCode.INVALID_INPUT, `overlapHours must be 0 to ${MAX_OVERLAP_HOURS}.`, "input.overlapHours");
    }
    const now = this.clock.now();
    if (input.expiresAt && input.expiresAt <= now)
      throw refusal(RefusalCode.INVALID_INPUT, "expiresAt must be in the future.", "input.expiresAt");
    return inTransaction(this.ds, async (tx) => {
      const old = input.id
        ? await tx.findOne(ApiKey, { where: { id: input.id }, lock: { mode: "pessimistic_write" } })
        : null;
      const visible = old && canSeeResellerData(c, old.resellerId);
      if (!old || !visible) throw refusal(RefusalCode.NOT_FOUND, "No such API key.", "input.id");
      if (old.revokedAt !== null && old.revokedAt <= now)
        throw refusal(RefusalCode.CONFLICT, "This key is already revoked; ask the operator for a new one.", "input.id");
      // A key is replaced once: rotating it again (a retry) would mint a second successor whose secret nobody kept.
      if (old.revokedAt !== null) {
        throw refusal(
          RefusalCode.KEY_ALREADY_ROTATED,
          `This key was already rotated and stops working at ${old.revokedAt.toISOString()}; rotate its successor instead.`,
          "input.id",
          "このAPIキーはすでにローテーション済みです。新しいキーをローテーションしてください。",
        );
      }
      if (old.resellerId !== null) {
        const reseller = await tx.findOneByOrFail(Reseller, { id: old.resellerId });
        if (reseller.status === ResellerStatus.TERMINATED)
          throw refusal(RefusalCode.RESELLER_TERMINATED, "The reseller's contract has ended.", "input.id");
      }
      const name = (input.name ?? `${old.name} (rotated)`).trim().slice(0, 100);
      if (name.length === 0)
        throw refusal(RefusalCode.INVALID_INPUT, "name must be 1 to 100 characters.", "input.name");
      const secret = generateKeySecret();
      const apiKey = await tx.save(
        tx.create(ApiKey, {
          publicId: secret.publicId,
          secretHash: secret.secretHash,
          ownerKind: old.ownerKind,
          resellerId: old.resellerId,
          name,
          createdAt: now,
          expiresAt: input.expiresAt ?? null,
          lastUsedAt: null,
          revokedAt: null,
        }),
      );
      await this.audit.record(tx, scope, {
        action: "apiKey.create",
        entityType: "ApiKey",
        entityId: toGlobalId("ApiKey", apiKey.id),
        resellerId: apiKey.resellerId,
        reason: "rotation",
        after: snapshot(apiKey, ["secretHash"]),
      });
      const before = snapshot(old, ["secretHash"]);
      const revokeAt = new Date(now.getTime() + overlapHours * 60 * 60 * 1000);
      old.revokedAt = revokeAt;
      await tx.update(ApiKey, { id: old.id }, { revokedAt: revokeAt });
      await this.audit.record(tx, scope, {
        action: "apiKey.revoke",
        entityType: "ApiKey",
        entityId: toGlobalId("ApiKey", old.id),
        resellerId: old.resellerId,
        reason: `rotated; works until ${revokeAt.toISOString()}`,
        before,
        after: snapshot(old, ["secretHash"]),
      });
      return { apiKey, key: secret.key, previous: old };
    });
  }

  /** RES-2: a notice to the reseller for each key expiring within 30 days, once per key. */
  async writeExpiryNotices(tx: EntityManager): Promise<number> {
    const now = this.clock.now();
    const horizon = new Date(now.getTime() + KEY_EXPIRY_NOTICE_DAYS * DAY_MS);
    const keys = await tx
      .createQueryBuilder(ApiKey, "k")
      .where("k.owner_kind = :owner AND k.expires_at > :now AND k.expires_at <= :horizon", {
        owner: ApiKeyOwner.RESELLER,
        now,
        horizon,
      })
      .andWhere("(k.revoked_at IS NULL OR k.revoked_at > k.expires_at)")
      .andWhere("NOT EXISTS (SELECT 1 FROM api_key_expiry_notice m WHERE m.api_key_id = k.id)")
      .orderBy("k.expires_at")
      .getMany();
    for (const k of keys) {
      // The query asked for resellers' keys with an expiry; the types cannot know that.
      if (!k.resellerId || !k.expiresAt) continue;
      const reseller = await tx.findOneByOrFail(Reseller, { id: k.resellerId });
      if (reseller.status === ResellerStatus.TERMINATED) continue;
      const when = formatJst(k.expiresAt);
      const notice = await this.notices.queue(tx, {
        kind: "API_KEY_EXPIRING",
        recipient: NoticeRecipient.RESELLER,
        resellerId: reseller.id,
        language: NoticeLanguage.JA,
        subject: `APIキーの有効期限が近づいています / API key ${k.publicId} expires ${when}`,
        body: `APIキー「${k.name}」(ak_${k.publicId}_…) は ${when} に失効します。新しいキーを作成し、切り替えてから古いキーを失効させてください (rotateApiKey)。\n\nAPI key "${k.name}" (ak_${k.publicId}_…) expires at ${when}. Rotate it before then (rotateApiKey).`,
      });
      if (!notice) continue;
      await this.events?.emit(tx, {
        type: EventType.API_KEY_EXPIRING,
        resellerId: reseller.id,
        subjectType: "ApiKey",
        subjectId: k.nodeId,
        data: { publicId: k.publicId, name: k.name, expiresAt: k.expiresAt.toISOString() },
      });
      await tx.query(
        `INSERT INTO api_key_expiry_notice (api_key_id, notice_id, noticed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [k.id, notice.id, now],
      );
    }
    return keys.length;
  }

  jobs(): { handlers: Record<string, JobHandler>; recurring: RecurringJob[] } {
    return {
      handlers: { [API_KEY_EXPIRY_JOB]: async (_job, tx) => void (await this.writeExpiryNotices(tx)) },
      recurring: [dailyAtJst(API_KEY_EXPIRY_JOB, 9, 0, "latest")], // a scan: one notice per key, whenever it runs
    };
  }
}
