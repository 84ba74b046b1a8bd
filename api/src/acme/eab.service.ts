/**
 * ACME-3: External Account Binding credentials, created by the managing reseller for one subscriber.
 * The HMAC key is derived from the service secret and the key id (acme-secrets.ts), so it is shown
 * when created (and again only to an idempotent retry of that creation) and never stored.
 */
import { randomBytes } from "node:crypto";
import { DataSource } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { canSeeResellerData, requireAuthenticated, requireReseller } from "../auth";
import { requireOwnSubscriber } from "../applications";
import { inTransaction, isUniqueViolation } from "../db/transaction";
import { Clock } from "../domain/clock";
import { ConnectionShape, PageRequest, paginate } from "../paging";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { AcmeSecrets } from "./acme-secrets";
import { AcmeUrls } from "./acme-urls";
import { AcmeEabCredential } from "./eab-credential.entity";
import { requireAcmeReseller } from "./reseller-acme";

const DAY_MS = 86_400_000;
const MAX_DAYS = 365;

export interface CreatedEab {
  credential: AcmeEabCredential;
  /** base64url, 32 bytes: give it to the customer with the key id (certbot --eab-hmac-key, lego --hmac). */
  hmacKey: string;
  directoryUrl: string;
}

export class EabService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly secrets: AcmeSecrets,
    private readonly urls: AcmeUrls,
    private readonly defaultDays: number,
  ) {}

  async create(
    scope: RequestScope,
    input: {
      subscriberId: string | null;
      label?: string | null;
      expiresAt?: Date | null;
      idempotencyKey?: string | null;
    },
  ): Promise<CreatedEab> {
    const resellerId = requireReseller(scope.caller);
    const now = this.clock.now();
    const expiresAt = input.expiresAt ?? new Date(now.getTime() + this.defaultDays * DAY_MS);
    if (expiresAt <= now || expiresAt.getTime() > now.getTime() + MAX_DAYS * DAY_MS) {
      throw refusal(
        RefusalCode.EAB_CREDENTIAL_EXPIRY_INVALID,
        `expiresAt must be in the next ${MAX_DAYS} days.`,
        "input.expiresAt",
        `有効期限は${MAX_DAYS}日以内の将来で指定してください。`,
      );
    }
    const label = (input.label ?? "").trim();
    if (label.length > 200)
      throw refusal(RefusalCode.INVALID_INPUT, "label must be at most 200 characters.", "input.label");
    const key = input.idempotencyKey ?? null;
    if (key !== null && (key.length === 0 || key.length > 200))
      throw refusal(RefusalCode.INVALID_INPUT, "idempotencyKey must be 1-200 characters.", "input.idempotencyKey");
    const replay = async () => {
      const c =
        key === null
          ? null
          : await this.ds.getRepository(AcmeEabCredential).findOneBy({ resellerId, idempotencyKey: key });
      if (c && c.subscriberId !== input.subscriberId)
        throw refusal(
          RefusalCode.IDEMPOTENCY_KEY_REUSED,
          "This idempotency key was used for a different request.",
          "input.idempotencyKey",
        );
      return c ? this.created(c) : null;
    };
    const first = await replay();
    if (first) return first;
    try {
      return await inTransaction(this.ds, async (tx) => {
        const subscriber = await requireOwnSubscriber(tx, resellerId, input.subscriberId, "input.subscriberId");
        await requireAcmeReseller(tx, resellerId, { newBusiness: true });
        const credential = await tx.save(
          tx.create(AcmeEabCredential, {
            resellerId,
            subscriberId: subscriber.id,
            keyId: newEabKeyId((id) => this.secrets.eabHmacKey(id)),
            label,
            createdAt: now,
            expiresAt,
            revokedAt: null,
            usedAt: null,
            accountId: null,
            idempotencyKey: key,
          }),
        );
        await this.audit.record(tx, scope, {
          action: "acme.eab.create",
          entityType: "AcmeEabCredential",
          entityId: credential.nodeId,
          resellerId,
          after: snapshot(credential),
        });
        return this.created(credential);
      });
    } catch (e) {
      const raced = isUniqueViolation(e) ? await replay() : null;
      if (raced) return raced;
      throw e;
    }
  }

  private created(credential: AcmeEabCredential): CreatedEab {
    return {
      credential,
      hmacKey: this.secrets.eabHmacKey(credential.keyId).toString("base64url"),
      directoryUrl: this.urls.directory(),
    };
  }

  /** ACME-3: revoked at once; revoking a revoked one changes nothing; a used one has bound its account already. */
  async revoke(scope: RequestScope, id: string | null): Promise<AcmeEabCredential> {
    const resellerId = requireReseller(scope.caller);
    return inTransaction(this.ds, async (tx) => {
      await requireAcmeReseller(tx, resellerId, { newBusiness: false });
      const c = id ? await tx.findOne(AcmeEabCredential, { where: { id }, lock: { mode: "pessimistic_write" } }) : null;
      if (!c || c.resellerId !== resellerId)
        throw refusal(RefusalCode.NOT_FOUND, "No such EAB credential among yours.", "input.eabCredentialId");
      if (c.revokedAt) return c;
      if (c.usedAt)
        throw refusal(
          RefusalCode.CONFLICT,
          "This credential already bound an ACME account; it can no longer be used anyway.",
          "input.eabCredentialId",
        );
      const before = snapshot(c);
      c.revokedAt = this.clock.now();
      await tx.save(c);
      await this.audit.record(tx, scope, {
        action: "acme.eab.revoke",
        entityType: "AcmeEabCredential",
        entityId: c.nodeId,
        resellerId,
        before,
        after: snapshot(c),
      });
      scope.loaders.clearAll();
      return c;
    });
  }

  async get(scope: RequestScope, id: string): Promise<AcmeEabCredential | null> {
    const c = await scope.loaders.byId(AcmeEabCredential).load(id);
    return c && canSeeResellerData(scope.caller, c.resellerId) ? c : null;
  }

  async list(
    scope: RequestScope,
    args: PageRequest,
    filter: { subscriberId?: string | null },
  ): Promise<ConnectionShape<AcmeEabCredential>> {
    requireAuthenticated(scope.caller);
    const qb = this.ds.getRepository(AcmeEabCredential).createQueryBuilder("e");
    if (scope.caller.kind === "RESELLER") qb.andWhere("e.reseller_id = :own", { own: scope.caller.resellerId });
    if (filter.subscriberId !== undefined) qb.andWhere("e.subscriber_id = :sid", { sid: filter.subscriberId });
    return paginate(qb, args);
  }
}

/**
 * ACME-3: a key id such that neither it nor its HMAC key starts with "-": command lines read such a value
 * as an option (certbot's `--eab-kid -x…` fails), which would hit about one pair in 32.
 */
export function newEabKeyId(
  hmacKeyOf: (keyId: string) => Buffer,
  random: () => Buffer = () => randomBytes(16),
): string {
  for (;;) {
    const keyId = random().toString("base64url");
    if (!keyId.startsWith("-") && !hmacKeyOf(keyId).toString("base64url").startsWith("-")) return keyId;
  }
}
