/**
 * ACME-4, RFC 8555 §7.4: new orders (only for usage FQDNs in period, ACME-6 during a suspension),
 * reading orders, and finalisation (APP-10 CSR checks, APP-11 CAA, issuance through the contract path).
 */
import { EntityManager, In } from "typeorm";
import type { DomainValidationService } from "../applications";
import { DomainValidation, DomainValidationMethod } from "../applications";
import { canReuseDcv, normalizeHostname } from "../domain";
import { Product } from "../products";
import { Reseller, ResellerStatus } from "../resellers";
import { newDcvToken, reservedSuffixOf } from "../validation";
import { AcmeAuthorization } from "./acme-authorization.entity";
import type { AcmeCore, AcmeRequest } from "./acme-core";
import { AcmeOrder, AcmeOrderStatus } from "./acme-order.entity";
import type { AcmeResponse } from "./acme-response";
import { orderView } from "./acme-views";
import { AcmeProblem, type Subproblem, compoundProblem, subproblem } from "./problems";
import { findReplaced } from "./renewal-info";
import { usageOfNames } from "./usage-lookup";
import { formatJst } from "../domain/jst";

const HOUR_MS = 3_600_000;

/** RFC 8555 §7.1.6: an order's status follows its authorisations and its expiry. */
function currentStatus(o: AcmeOrder, authzs: AcmeAuthorization[], now: Date): AcmeOrderStatus {
  if (o.status !== AcmeOrderStatus.PENDING && o.status !== AcmeOrderStatus.READY) return o.status;
  if (o.expiresAt <= now) return AcmeOrderStatus.INVALID;
  if (authzs.some((a) => a.status !== "valid" && a.status !== "pending")) return AcmeOrderStatus.INVALID;
  if (authzs.some((a) => a.status === "pending" && a.expiresAt <= now)) return AcmeOrderStatus.INVALID;
  return authzs.length > 0 && authzs.every((a) => a.status === "valid")
    ? AcmeOrderStatus.READY
    : AcmeOrderStatus.PENDING;
}

/** Names of a newOrder payload, normalised (A-labels, lower case); malformed / rejectedIdentifier as RFC 8555 §7.4 says. */
function orderedNames(body: Record<string, unknown>): string[] {
  if (body.notBefore !== undefined || body.notAfter !== undefined)
    throw new AcmeProblem("malformed", "notBefore and notAfter are not supported: validity follows ACME-4");
  const ids = body.identifiers;
  if (!Array.isArray(ids) || ids.length === 0)
    throw new AcmeProblem("malformed", "the order needs at least one identifier");
  const names: string[] = [];
  const subs: Subproblem[] = [];
  for (const id of ids as { type?: unknown; value?: unknown }[]) {
    const value = typeof id?.value === "string" ? id.value : "";
    if (id?.type !== "dns") {
      subs.push(
        subproblem("unsupportedIdentifier", value, `identifier type ${String(id?.type)} is not supported; only dns`),
      );
      continue;
    }
    const checked = normalizeHostname(value, { allowWildcard: true });
    if (!checked.ok) subs.push(subproblem("rejectedIdentifier", value, checked.message));
    else if (reservedSuffixOf(checked.name))
      subs.push(subproblem("rejectedIdentifier", value, `${checked.name} is a reserved or internal name`));
    else if (names.includes(checked.name)) subs.push(subproblem("malformed", value, `${checked.name} is listed twice`));
    else names.push(checked.name);
  }
  if (subs.length > 0) throw compoundProblem(subs, "some identifiers cannot be ordered");
  return names;
}

export class AcmeOrders {
  constructor(
    private readonly core: AcmeCore,
    private readonly dcv: DomainValidationService,
  ) {}

  /** POST /acme/new-order. */
  async newOrder(r: AcmeRequest): Promise<AcmeResponse> {
    const account = this.core.requireAccount(r);
    const body = this.core.payload(r);
    const names = orderedNames(body);
    return this.core.transaction(r, async (tx) => {
      const now = this.core.clock.now();
      await this.rateLimit(tx, account.id, now);
      const product = await tx.findOneByOrFail(Product, { code: "DV" });
      if (names.length > product.maxNames)
        throw new AcmeProblem("rejectedIdentifier", `an order may name at most ${product.maxNames} identifiers`);
      await this.requireUsable(tx, account.resellerId, account.subscriberId, names, now);
      const replaces =
        body.replaces === undefined ? null : await findReplaced(tx, body.replaces, account.subscriberId, names);
      const order = await tx
        .save(
          tx.create(AcmeOrder, {
            accountId: account.id,
            resellerId: account.resellerId,
            subscriberId: account.subscriberId,
            names,
            status: AcmeOrderStatus.PENDING,
            expiresAt: new Date(now.getTime() + this.core.settings.orderLifetimeHours * HOUR_MS),
            error: null,
            certificateId: null,
            replacesCertificateId: replaces,
            createdAt: now,
            updatedAt: now,
          }),
        )
        .catch((e: unknown) => {
          if ((e as { driverError?: { constraint?: string } }).driverError?.constraint === "acme_order_replaces")
            throw new AcmeProblem("alreadyReplaced", "an order already replaces that certificate");
          throw e;
        });
      const authzs = await this.createAuthorizations(tx, order, now);
      order.status = currentStatus(order, authzs, now);
      if (order.status !== AcmeOrderStatus.PENDING)
        await tx.update(AcmeOrder, { id: order.id }, { status: order.status });
      await this.core.audit.record(tx, this.core.actor(r), {
        action: "acme.order.create",
        entityType: "AcmeOrder",
        entityId: order.nodeId,
        resellerId: order.resellerId,
        after: { names, replaces },
      });
      return {
        status: 201,
        body: orderView(this.core.urls, order, authzs),
        headers: { Location: this.core.urls.order(order.id) },
      };
    });
  }

  /** ACME-8: at most N new orders per account per hour; the answer says when to retry. */
  private async rateLimit(tx: EntityManager, accountId: string, now: Date): Promise<void> {
    const since = new Date(now.getTime() - HOUR_MS);
    const limit = this.core.settings.ordersPerHour;
    const rows: { n: number; oldest: Date | null }[] = await tx.query(
      `SELECT count(*)::int AS n, min(created_at) AS oldest FROM (SELECT created_at FROM acme_order WHERE account_id = $1 AND created_at > $2 ORDER BY created_at DESC LIMIT $3) o`,
      [accountId, since, limit],
    );
    if (rows[0].n < limit) return;
    const retry = Math.max(
      1,
      Math.ceil(((rows[0].oldest?.getTime() ?? now.getTime()) + HOUR_MS - now.getTime()) / 1000),
    );
    throw new AcmeProblem("rateLimited", `at most ${limit} new orders per account per hour`, {
      retryAfterSeconds: retry,
    });
  }

  /**
   * ACME-1, ACME-4, ACME-6: every identifier is a usage FQDN of the subscriber in period that may be used now.
   * @rule ACME-4 — finalisation (acme-finalize.ts) applies APP-10 and APP-11; notAfter comes from acme-contract.ts
   */
  private async requireUsable(
    tx: EntityManager,
    resellerId: string,
    subscriberId: string,
    names: string[],
    now: Date,
  ): Promise<void> {
    const reseller = await tx.findOneByOrFail(Reseller, { id: resellerId });
    if (!reseller.acmeEnabled || reseller.status === ResellerStatus.TERMINATED) {
      throw new AcmeProblem("unauthorized", "ACME-variant issuance is not available through this reseller (ACME-1)");
    }
    const usage = await usageOfNames(tx, subscriberId, resellerId, names, now);
    const subs: Subproblem[] = [];
    for (const name of names) {
      const u = usage.get(name);
      if (!u)
        subs.push(
          subproblem("rejectedIdentifier", name, `${name} is not a usage FQDN registered for this subscriber (ACME-4)`),
        );
      else if (u.state.state === "ENDED")
        subs.push(
          subproblem(
            "rejectedIdentifier",
            name,
            `the usage period of ${name} ended at ${formatJst(u.state.effectiveEnd)} (ACME-2)`,
          ),
        );
      else if (reseller.status === ResellerStatus.SUSPENDED && u.fqdn.firstUsedAt === null) {
        subs.push(
          subproblem(
            "unauthorized",
            name,
            `${name} has not been used yet and cannot start while the reseller is suspended (ACME-6)`,
          ),
        );
      }
    }
    if (subs.length > 0)
      throw compoundProblem(subs, "the order names identifiers that cannot be issued (ACME-4, ACME-6)");
    const unused = [...usage.values()].filter((u) => u.fqdn.firstUsedAt === null).map((u) => u.fqdn.id);
    if (unused.length > 0)
      await tx.query(`UPDATE acme_usage_fqdn SET first_used_at = $2 WHERE id = ANY($1) AND first_used_at IS NULL`, [
        unused,
        now,
      ]);
  }

  /** One authorisation per identifier; an APP-9 validation still reusable makes it valid at once (wildcards need a DNS one). */
  private async createAuthorizations(tx: EntityManager, order: AcmeOrder, now: Date): Promise<AcmeAuthorization[]> {
    const reusable = await this.dcv.reusable(tx, order.subscriberId, order.names, now);
    const rows = order.names.map((ordered) => {
      const wildcard = ordered.startsWith("*.");
      const dv = reusable.get(ordered);
      const viaDns =
        dv && (dv.method === DomainValidationMethod.DNS_TXT || dv.method === DomainValidationMethod.ACME_DNS_01);
      const usable = dv && dv.checkedAt && (!wildcard || viaDns) ? dv : undefined;
      const reuse = usable?.checkedAt ? canReuseDcv(usable.checkedAt, now) : null;
      return tx.create(AcmeAuthorization, {
        orderId: order.id,
        accountId: order.accountId,
        subscriberId: order.subscriberId,
        name: wildcard ? ordered.slice(2) : ordered,
        wildcard,
        status: usable ? "valid" : "pending",
        expiresAt: reuse?.ok ? reuse.validUntil : order.expiresAt,
        httpToken: wildcard ? null : newDcvToken(),
        dnsToken: newDcvToken(),
        challengeType: usable ? (viaDns ? "dns-01" : "http-01") : null,
        challengeStatus: usable ? "valid" : "pending",
        validatedAt: usable?.checkedAt ?? null,
        error: null,
        domainValidationId: usable?.id ?? null,
        createdAt: now,
      });
    });
    return tx.save(rows);
  }

  /** POST-as-GET /acme/order/:id. */
  async get(r: AcmeRequest, id: string): Promise<AcmeResponse> {
    const account = this.core.requireAccount(r);
    if (!r.postAsGet) throw new AcmeProblem("malformed", "orders are read with POST-as-GET");
    return this.core.transaction(r, async (tx) => {
      const { order, authzs } = await this.load(tx, id, account.id);
      return { status: 200, body: orderView(this.core.urls, order, authzs) };
    });
  }

  /** An order of the account with its authorisations, its status brought up to date (and saved when it changed). */
  async load(
    tx: EntityManager,
    id: string,
    accountId: string,
    lock = false,
  ): Promise<{ order: AcmeOrder; authzs: AcmeAuthorization[] }> {
    const order = await tx.findOne(AcmeOrder, {
      where: { id },
      ...(lock ? { lock: { mode: "pessimistic_write" as const } } : {}),
    });
    if (!order) throw new AcmeProblem("malformed", "no such order", { status: 404 });
    if (order.accountId !== accountId) throw new AcmeProblem("unauthorized", "the order belongs to another account");
    const authzs = await tx.find(AcmeAuthorization, { where: { orderId: id } });
    const status = currentStatus(order, authzs, this.core.clock.now());
    if (status !== order.status) {
      order.status = status;
      if (status === AcmeOrderStatus.INVALID && !order.error) {
        const failed = authzs.find((a) => a.error);
        order.error = failed?.error ?? { type: "urn:ietf:params:acme:error:malformed", detail: "the order expired" };
      }
      await tx.update(AcmeOrder, { id }, { status, error: order.error, updatedAt: this.core.clock.now() });
    }
    return { order, authzs };
  }

  /** The validation method label (RFC 8657) each authorised name was validated by. */
  async methodsOf(tx: EntityManager, authzs: AcmeAuthorization[]): Promise<Map<string, string>> {
    const ids = authzs.map((a) => a.domainValidationId).filter((x): x is string => x !== null);
    const dvs = ids.length
      ? await tx.find(DomainValidation, { where: { id: In(ids) }, select: { id: true, method: true } })
      : [];
    const label: Record<string, string> = {
      HTTP_FILE: "ca-http-file",
      DNS_TXT: "ca-dns-txt",
      ACME_HTTP_01: "http-01",
      ACME_DNS_01: "dns-01",
    };
    return new Map(
      authzs.map((a) => [
        a.orderedName,
        label[dvs.find((d) => d.id === a.domainValidationId)?.method ?? ""] ?? a.challengeType ?? "http-01",
      ]),
    );
  }
}
