/**
 * ACME-4, RFC 8555 §7.5, §8: authorisations and their challenges. A challenge is validated when the
 * client answers it: the network checks (http-01 or dns-01 with the APP-9 SSRF guards and host
 * overrides, and the APP-11 CAA look-up) run first, outside any transaction; one transaction then
 * records the domain validation, the CAA evidence and the new states.
 */
import { EntityManager } from "typeorm";
import { DomainValidation, DomainValidationMethod, DomainValidationStatus } from "../applications";
import type { DomainValidationService } from "../applications";
import { canReuseDcv } from "../domain";
import { toGlobalId } from "../ids";
import { type CaaResult, type DcvResult, checkAcmeDns01, checkAcmeHttp01 } from "../validation";
import { AcmeAuthorization, type ChallengeType } from "./acme-authorization.entity";
import type { AcmeCore, AcmeRequest } from "./acme-core";
import { AcmeOrder, AcmeOrderStatus, type StoredProblem } from "./acme-order.entity";
import type { AcmeResponse } from "./acme-response";
import { authzView, challengeTypes, challengeView, keyAuthorization, tokenOf } from "./acme-views";
import { AcmeProblem, errorUrn } from "./problems";

const HOUR_MS = 3_600_000;

/** The ACME problem a failed check reports (RFC 8555 §6.7), from its structured cause. */
function problemOfCheck(result: DcvResult): StoredProblem {
  const c = result.cause;
  const code = c?.code ?? "NETWORK_ERROR";
  const type =
    code === "CONTENT_MISMATCH" || code === "HTTP_STATUS" || code === "BODY_TOO_LARGE" || code === "REDIRECT_REFUSED"
      ? "incorrectResponse"
      : code === "DNS_RESPONSE_CODE" || code === "DNS_NO_RECORDS"
        ? "dns"
        : code === "DESTINATION_NOT_ALLOWED" || code === "RESERVED_NAME"
          ? "rejectedIdentifier"
          : "connection";
  return { type: errorUrn(type), detail: `${code}: ${c?.message ?? "the check failed"}`, status: 400 };
}

export class AcmeChallenges {
  constructor(
    private readonly core: AcmeCore,
    private readonly dcv: DomainValidationService,
  ) {}

  /** POST /acme/authz/:id — read (POST-as-GET) or deactivate (RFC 8555 §7.5.2). */
  async authz(r: AcmeRequest, id: string): Promise<AcmeResponse> {
    const account = this.core.requireAccount(r);
    const body = r.postAsGet ? null : this.core.payload(r);
    if (body && body.status !== "deactivated")
      throw new AcmeProblem("malformed", "an authorisation can only be deactivated");
    return this.core.transaction(r, async (tx) => {
      const a = await this.own(tx, id, account.id, body !== null);
      if (body) {
        if (a.status !== "valid" && a.status !== "pending")
          throw new AcmeProblem("malformed", `the authorisation is ${a.status}`);
        a.status = "deactivated";
        await tx.update(AcmeAuthorization, { id }, { status: "deactivated" });
        await tx.update(
          AcmeOrder,
          { id: a.orderId, status: AcmeOrderStatus.PENDING },
          { status: AcmeOrderStatus.INVALID, updatedAt: this.core.clock.now() },
        );
      }
      return { status: 200, body: authzView(this.core.urls, this.expired(a)) };
    });
  }

  /** POST /acme/chall/:id/:type — POST-as-GET reads it; `{}` asks the server to validate (RFC 8555 §7.5.1). */
  async challenge(r: AcmeRequest, id: string, type: string): Promise<AcmeResponse> {
    const account = this.core.requireAccount(r);
    if (!r.postAsGet) this.core.payload(r);
    const a = this.expired(await this.own(this.core.ds.manager, id, account.id, false));
    if (!(challengeTypes(a) as string[]).includes(type))
      throw new AcmeProblem("malformed", `no ${type} challenge here (wildcards are validated only by dns-01)`, {
        status: 404,
      });
    const ctype = type as ChallengeType;
    const up = [`<${this.core.urls.authz(a.id)}>;rel="up"`];
    if (r.postAsGet || a.status !== "pending" || a.challengeStatus !== "pending") {
      return this.core.transaction(r, async () => ({
        status: 200,
        body: challengeView(this.core.urls, a, ctype),
        links: up,
      }));
    }
    await this.failureLimit(account.id);
    const keyAuth = keyAuthorization(tokenOf(a, ctype), account.jwkThumbprint);
    const check =
      ctype === "http-01"
        ? checkAcmeHttp01(a.name, a.httpToken ?? "", keyAuth, this.dcv.network)
        : checkAcmeDns01(a.orderedName, a.dnsToken, keyAuth, this.dcv.network);
    const [result, [caa]] = await Promise.all([
      check,
      this.dcv.caa.lookup([{ name: a.orderedName, method: ctype }], this.core.urls.account(account.id)),
    ]);
    return this.core.transaction(r, async (tx) => {
      const fresh = await tx.findOneOrFail(AcmeAuthorization, { where: { id }, lock: { mode: "pessimistic_write" } });
      if (fresh.status === "pending" && fresh.challengeStatus === "pending")
        await this.record(tx, r, fresh, ctype, result, caa);
      return { status: 200, body: challengeView(this.core.urls, fresh, ctype), links: up };
    });
  }

  /** ACME-8: failed validations per account per hour are limited (a client looping on a broken setup). */
  private async failureLimit(accountId: string): Promise<void> {
    const now = this.core.clock.now();
    const rows: { n: number }[] = await this.core.ds.query(
      `SELECT count(*)::int AS n FROM acme_authorization WHERE account_id = $1 AND challenge_status = 'invalid' AND validated_at > $2`,
      [accountId, new Date(now.getTime() - HOUR_MS)],
    );
    if (rows[0].n >= this.core.settings.failedValidationsPerHour) {
      throw new AcmeProblem(
        "rateLimited",
        `at most ${this.core.settings.failedValidationsPerHour} failed validations per account per hour`,
        { retryAfterSeconds: 3600 },
      );
    }
  }

  private async record(
    tx: EntityManager,
    r: AcmeRequest,
    a: AcmeAuthorization,
    type: ChallengeType,
    result: DcvResult,
    caa: CaaResult,
  ): Promise<void> {
    const method = type === "http-01" ? DomainValidationMethod.ACME_HTTP_01 : DomainValidationMethod.ACME_DNS_01;
    const dv = await tx.save(
      tx.create(DomainValidation, {
        subscriberId: a.subscriberId,
        applicationId: null,
        name: a.orderedName,
        method,
        token: tokenOf(a, type),
        status: result.ok ? DomainValidationStatus.VALID : DomainValidationStatus.FAILED,
        evidence: result.evidence,
        checkedAt: result.checkedAt,
        createdAt: result.checkedAt,
      }),
    );
    await this.dcv.caa.record(tx, a.subscriberId, a.accountId, [caa], {
      domainValidationIds: new Map([[a.orderedName, dv.id]]),
    });
    // APP-11 (as Boulder does): a CAA record set that forbids issuance fails the authorisation at once.
    const error: StoredProblem | null = !result.ok
      ? problemOfCheck(result)
      : caa.status !== "PERMITTED"
        ? {
            type: errorUrn("caa"),
            detail: `${caa.cause?.code ?? "CAA"}: ${caa.cause?.message ?? "CAA forbids issuance"}`,
            status: 403,
          }
        : null;
    const reuse = canReuseDcv(result.checkedAt, result.checkedAt);
    Object.assign(a, {
      status: error ? "invalid" : "valid",
      challengeType: type,
      challengeStatus: error ? "invalid" : "valid",
      validatedAt: result.checkedAt,
      error,
      domainValidationId: dv.id,
      expiresAt: !error && reuse.ok ? reuse.validUntil : a.expiresAt,
    });
    await tx.save(a);
    if (error) {
      await tx.update(
        AcmeOrder,
        { id: a.orderId, status: AcmeOrderStatus.PENDING },
        { status: AcmeOrderStatus.INVALID, error, updatedAt: result.checkedAt },
      );
    }
    await this.core.audit.record(tx, this.core.actor(r), {
      action: result.ok ? "domainValidation.succeed" : "domainValidation.fail",
      entityType: "AcmeOrder",
      entityId: orderGlobalId(a.orderId),
      resellerId: r.account?.resellerId ?? null,
      after: {
        name: a.orderedName,
        method,
        status: dv.status,
        cause: result.cause?.code ?? null,
        caa: caa.status,
        caaCause: caa.cause?.code ?? null,
      },
    });
  }

  private async own(db: EntityManager, id: string, accountId: string, lock: boolean): Promise<AcmeAuthorization> {
    const a = await db.findOne(AcmeAuthorization, {
      where: { id },
      ...(lock ? { lock: { mode: "pessimistic_write" as const } } : {}),
    });
    if (!a) throw new AcmeProblem("malformed", "no such authorisation", { status: 404 });
    if (a.accountId !== accountId)
      throw new AcmeProblem("unauthorized", "the authorisation belongs to another account");
    return a;
  }

  /** RFC 8555 §7.1.6: a pending authorisation past its expiry shows as expired. */
  private expired(a: AcmeAuthorization): AcmeAuthorization {
    if ((a.status === "pending" || a.status === "valid") && a.expiresAt <= this.core.clock.now()) a.status = "expired";
    return a;
  }
}

function orderGlobalId(id: string): string {
  return toGlobalId("AcmeOrder", id);
}
