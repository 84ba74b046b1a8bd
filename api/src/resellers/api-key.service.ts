import { DataSource, IsNull } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { canSeeResellerData, requireAuthenticated, ApiKey, ApiKeyOwner, generateKeySecret, Actor } from "../auth";
import { inTransaction } from "../db/transaction";
import { Clock } from "../domain/clock";
import { toGlobalId } from "../ids";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { Reseller, ResellerStatus } from "./reseller.entity";
import { suspensionInForce } from "./reseller-status";
import { ResellerSuspension } from "./suspension.entity";

export interface CreatedKey {
  apiKey: ApiKey;
  /** The full key, shown once and never stored. */
  key: string;
}

/**
 * RES-2: keys are issued by the operator (or by a reseller for itself, to rotate), shown once, revocable at once.
 * @rule RES-2
 */
export class ApiKeyService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async get(scope: RequestScope, id: string): Promise<ApiKey | null> {
    const k = await scope.loaders.byId(ApiKey).load(id);
    if (!k) return null;
    if (scope.caller.kind === "OPERATOR" || scope.caller.kind === "SYSTEM") return k;
    return k.ownerKind === ApiKeyOwner.RESELLER && canSeeResellerData(scope.caller, k.resellerId) ? k : null;
  }

  /** Operators list every key (or one reseller's); a reseller lists its own. */
  async list(scope: RequestScope, resellerId?: string | null): Promise<ApiKey[]> {
    requireAuthenticated(scope.caller);
    const repo = this.ds.getRepository(ApiKey);
    if (scope.caller.kind === "RESELLER")
      return repo.find({ where: { resellerId: scope.caller.resellerId }, order: { createdAt: "ASC" } });
    if (resellerId === undefined) return repo.find({ order: { createdAt: "ASC" } });
    return repo.find({ where: { resellerId: resellerId ?? IsNull() }, order: { createdAt: "ASC" } });
  }

  /**
   * Creates a key for the operator (resellerId null) or for a reseller. Operators may create any
   * key; a reseller only its own, which is how it rotates without downtime (new key first, then revoke the old).
   */
  async create(
    actor: Actor,
    input: { resellerId: string | null; name: string; expiresAt?: Date | null },
  ): Promise<CreatedKey> {
    const c = actor.caller;
    const isOperator = c.kind === "OPERATOR" || c.kind === "SYSTEM";
    if (!isOperator && !(c.kind === "RESELLER" && input.resellerId === c.resellerId)) {
      throw refusal(RefusalCode.FORBIDDEN, "A reseller may create keys only for itself.", "input.resellerId");
    }
    if (input.name.trim().length === 0 || input.name.length > 100)
      throw refusal(RefusalCode.INVALID_INPUT, "name must be 1 to 100 characters.", "input.name");
    const now = this.clock.now();
    if (input.expiresAt && input.expiresAt <= now)
      throw refusal(RefusalCode.INVALID_INPUT, "expiresAt must be in the future.", "input.expiresAt");
    return inTransaction(this.ds, async (tx) => {
      if (input.resellerId !== null) {
        // Locked for share: an immediate suspension (which locks the row to revoke every key) and a new
        // key cannot interleave, so no key slips past "all keys invalidated" (RES-9).
        const reseller = await tx.findOne(Reseller, {
          where: { id: input.resellerId },
          lock: { mode: "pessimistic_read" },
        });
        if (!reseller) throw refusal(RefusalCode.NOT_FOUND, "No such reseller.", "input.resellerId");
        if (reseller.status === ResellerStatus.TERMINATED)
          throw refusal(RefusalCode.RESELLER_TERMINATED, "The reseller's contract has ended.", "input.resellerId");
        // RES-9: until the operator confirms the cause is removed, only the operator issues new keys.
        if (c.kind === "RESELLER") {
          const immediate = await tx.findBy(ResellerSuspension, { resellerId: reseller.id, immediate: true });
          if (immediate.some((sp) => suspensionInForce(sp, now))) {
            throw refusal(
              RefusalCode.RESELLER_SUSPENDED,
              "The reseller is suspended for a credential breach; the operator issues new keys.",
              "input.resellerId",
            );
          }
        }
      }
      const secret = generateKeySecret();
      const apiKey = await tx.save(
        tx.create(ApiKey, {
          publicId: secret.publicId,
          secretHash: secret.secretHash,
          ownerKind: input.resellerId === null ? ApiKeyOwner.OPERATOR : ApiKeyOwner.RESELLER,
          resellerId: input.resellerId,
          name: input.name.trim(),
          createdAt: now,
          expiresAt: input.expiresAt ?? null,
          lastUsedAt: null,
          revokedAt: null,
        }),
      );
      await this.audit.record(tx, actor, {
        action: "apiKey.create",
        entityType: "ApiKey",
        entityId: toGlobalId("ApiKey", apiKey.id),
        resellerId: apiKey.resellerId,
        after: snapshot(apiKey, ["secretHash"]),
      });
      return { apiKey, key: secret.key };
    });
  }

  /** Revocation takes effect at the next request: keys are never cached. */
  async revoke(actor: Actor, id: string | null, reason: string | null): Promise<ApiKey> {
    return inTransaction(this.ds, async (tx) => {
      const key = id === null ? null : await tx.findOne(ApiKey, { where: { id }, lock: { mode: "pessimistic_write" } });
      const c = actor.caller;
      const visible = key && canSeeResellerData(c, key.resellerId);
      if (!key || !visible) throw refusal(RefusalCode.NOT_FOUND, "No such API key.", "input.id");
      // A revocation already in force changes nothing; one scheduled by a rotation (RES-2) may be brought forward.
      if (key.revokedAt !== null && key.revokedAt <= this.clock.now()) return key;
      const before = snapshot(key, ["secretHash"]);
      key.revokedAt = this.clock.now();
      const saved = await tx.save(key);
      await this.audit.record(tx, actor, {
        action: "apiKey.revoke",
        entityType: "ApiKey",
        entityId: toGlobalId("ApiKey", key.id),
        resellerId: key.resellerId,
        reason,
        before,
        after: snapshot(saved, ["secretHash"]),
      });
      return saved;
    });
  }
}
