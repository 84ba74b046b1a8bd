import { randomUUID } from "node:crypto";
import { DataSource, EntityManager } from "typeorm";
import { AuditService } from "../audit";
import { Config } from "../config";
import { inTransaction } from "../db/transaction";
import { canReuseDcv } from "../domain";
import { Clock } from "../domain/clock";
import { toGlobalId } from "../ids";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import {
  type DcvMethod,
  type DcvNetworkOptions,
  type DcvResult,
  checkDnsTxt,
  checkHttpFile,
  newDcvToken,
} from "../validation";
import { Application } from "./application.entity";
import { CaaCheck } from "./caa-check.entity";
import { CAA_METHOD_LABEL, CaaChecks, shortfallsIn, staleIn } from "./caa-checks";
import { DomainValidation, DomainValidationMethod, DomainValidationStatus } from "./domain-validation.entity";
import { findById } from "../db/by-id";
import { columnList, hydrate } from "../db/entity-rows";
import { findWhere } from "../db/find-where";
import { insertAtCommit } from "../db/write-entity";

/**
 * APP-9: the validation of `name` that may still be reused at `at` — successful, inside the reuse
 * period in force — from rows ordered newest first. The one place the reuse rule is applied.
 */
function newestReusable(rowsNewestFirst: DomainValidation[], name: string, at: Date): DomainValidation | undefined {
  return rowsNewestFirst.find(
    (v) =>
      v.name === name &&
      v.status === DomainValidationStatus.VALID &&
      v.checkedAt !== null &&
      canReuseDcv(v.checkedAt, at).ok,
  );
}

/** Thrown inside an approval's transaction when CAA must be looked up (network) before it can go on. */
export class CaaLookupNeeded extends Error {
  constructor() {
    super("APP-11: CAA needs a new look-up before approval");
    this.name = "CaaLookupNeeded";
  }
}

/**
 * APP-9: domain control is proved per name before issuance, by an HTTP file or a DNS TXT record (or an
 * ACME challenge), with the evidence kept. A successful validation of a subscriber's name is reused
 * for later certificates only within the reuse period in force at issuance. APP-11: the CAA look-ups
 * of the GraphQL path run with the domain-control checks and again before approval when needed.
 */
export class DomainValidationService {
  readonly network: DcvNetworkOptions;
  readonly caa: CaaChecks;

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    config: Config,
  ) {
    this.network = { ...config.dcv, now: () => this.clock.now() };
    this.caa = new CaaChecks(this.network, config.acme.caaIssuerDomains);
  }

  /** The newest successful validation of each name that may still be reused at `at`. */
  async reusable(
    tx: EntityManager,
    subscriberId: string,
    names: string[],
    at: Date,
  ): Promise<Map<string, DomainValidation>> {
    const rows = await findWhere(
      tx,
      DomainValidation,
      `WHERE subscriber_id = $1 AND name = ANY($2::text[]) AND status = $3 ORDER BY checked_at DESC`,
      [subscriberId, names, DomainValidationStatus.VALID],
    );
    return new Map(
      names
        .map((n) => [n, newestReusable(rows, n, at)] as const)
        .filter((e): e is [string, DomainValidation] => e[1] !== undefined),
    );
  }

  /**
   * Opens a challenge for every name that has no reusable validation; wildcards always use DNS (BR
   * 3.2.2.4.18). The rows are written at commit (a new application's are not read back before), and the
   * request's answer about the application reads them from here: they are all the challenges it has.
   */
  async openChallenges(
    tx: EntityManager,
    scope: RequestScope,
    application: Application,
    method: DcvMethod,
  ): Promise<void> {
    const now = this.clock.now();
    const reusable = await this.reusable(tx, application.subscriberId, application.names, now);
    const challenges = insertAtCommit(
      tx,
      DomainValidation,
      application.names
        .filter((name) => !reusable.has(name))
        .map((name) => ({
          id: randomUUID(),
          subscriberId: application.subscriberId,
          applicationId: application.id,
          name,
          method: name.startsWith("*.") ? DomainValidationMethod.DNS_TXT : (method as DomainValidationMethod),
          token: newDcvToken(),
          status: DomainValidationStatus.PENDING,
          evidence: null,
          checkedAt: null,
          createdAt: now,
        })),
    );
    // A transaction that rolls back fails the request, or (an idempotent replay) answers about another application.
    this.challengesOf(scope).prime(application.id, challenges);
  }

  /** An application's own challenges, oldest first, batched per request. */
  private challengesOf(scope: RequestScope) {
    return scope.loaders.manyBy(DomainValidation, "applicationId", { createdAt: "ASC" });
  }

  /**
   * What an application's names stand on: its own challenges, or reused earlier validations. Read
   * through the request's loaders, so a page of applications costs two queries, not two each; each
   * reads only the names asked about, not the subscriber's whole history.
   */
  async forApplication(scope: RequestScope, application: Application): Promise<DomainValidation[]> {
    const own = await this.challengesOf(scope).load(application.id);
    // A name's own (newest) challenge comes first: reuse is read only for the names without one.
    const mine = application.names.map((n) => own.filter((v) => v.name === n).pop());
    // load, not loadMany: a failed read must fail the field, not pass for "no reusable validation".
    const loader = this.validOfNames(scope);
    const valid = await Promise.all(
      application.names.map((n, i) =>
        mine[i] ? Promise.resolve([]) : loader.load(subscriberNameKey(application.subscriberId, n)),
      ),
    );
    const now = this.clock.now();
    return application.names
      .map((n, i) => mine[i] ?? newestReusable(valid[i], n, now))
      .filter((v): v is DomainValidation => v !== undefined);
  }

  /** APP-11: the newest CAA look-up of a validation's name for its subscriber (GraphQL context), batched per request. */
  async latestCaa(scope: RequestScope, v: DomainValidation): Promise<CaaCheck | null> {
    return this.newestCaaOfNames(scope).load(subscriberNameKey(v.subscriberId, v.name));
  }

  /** Successful validations of (subscriber, name) keys, newest first: what APP-9 reuse chooses from. */
  private validOfNames(scope: RequestScope) {
    return scope.loaders.batch<DomainValidation[]>("dcv:valid-of-names", async (keys) => {
      const rows = await this.ds
        .getRepository(DomainValidation)
        .createQueryBuilder("v")
        .where(`(v.subscriber_id, v.name) IN (${UNNEST_SUBSCRIBER_NAMES})`, splitSubscriberNameKeys(keys))
        .andWhere("v.status = :valid", { valid: DomainValidationStatus.VALID })
        .orderBy("v.checkedAt", "DESC")
        .getMany();
      const groups = new Map<string, DomainValidation[]>(keys.map((k) => [k, []]));
      for (const r of rows) groups.get(subscriberNameKey(r.subscriberId, r.name))?.push(r);
      return keys.map((k) => groups.get(k) ?? []);
    });
  }

  /** The newest GraphQL-context CAA look-up of each (subscriber, name) key, or null. */
  private newestCaaOfNames(scope: RequestScope) {
    return scope.loaders.batch<CaaCheck | null>("caa:newest-of-names", async (keys) => {
      const rows = await this.ds
        .getRepository(CaaCheck)
        .createQueryBuilder("c")
        .distinctOn(["c.subscriber_id", "c.name"])
        .where(`(c.subscriber_id, c.name) IN (${UNNEST_SUBSCRIBER_NAMES})`, splitSubscriberNameKeys(keys))
        .andWhere("c.account_id IS NULL")
        .orderBy("c.subscriber_id")
        .addOrderBy("c.name")
        .addOrderBy("c.checked_at", "DESC")
        .addOrderBy("c.seq", "DESC")
        .getMany();
      const newest = new Map(rows.map((r) => [subscriberNameKey(r.subscriberId, r.name), r]));
      return keys.map((k) => newest.get(k) ?? null);
    });
  }

  /**
   * Runs the network checks of an application's open challenges and the CAA look-ups of all its names,
   * then records each result with its evidence in one transaction. The checks run outside any
   * transaction so that no lock is held while the network answers.
   */
  async check(scope: RequestScope, application: Application): Promise<DomainValidation[]> {
    // One read serves both: the application's own challenges are among its subscriber's validations of its names.
    const ofNames = await this.validationsOfNames(application);
    const open = ofNames.filter(
      (v) =>
        v.applicationId === application.id &&
        (v.status === DomainValidationStatus.PENDING || v.status === DomainValidationStatus.FAILED),
    );
    const targets = caaTargets(application, ofNames);
    const afterSeq = await this.caa.lastSeq(
      this.ds.manager,
      application.subscriberId,
      targets.map((t) => t.name),
      null,
    );
    const [results, caa] = await Promise.all([
      Promise.all(open.map(async (v) => ({ v, result: await this.runCheck(v) }))),
      this.caa.lookup(targets, null),
    ]);
    // The application's own challenges as this round leaves them; unknown if another check recorded one meanwhile.
    let own: DomainValidation[] | null = ofNames.filter((v) => v.applicationId === application.id);
    await inTransaction(this.ds, async (tx) => {
      for (const { v, result } of results) {
        const recorded = await this.recordCheck(tx, scope, application, v, result);
        if (recorded) own = own && own.map((o) => (o.id === recorded.id ? recorded : o));
        else own = null;
      }
      const ids = new Map(open.map((v) => [v.name, v.id]));
      // APP-11: the CAA evidence is its own record (caa_check), kept like the domain validations; one per round.
      await this.caa.record(tx, application.subscriberId, null, caa, {
        applicationId: application.id,
        domainValidationIds: ids,
        afterSeq,
      });
    });
    scope.loaders.clearAll();
    if (own) this.challengesOf(scope).prime(application.id, [...own].reverse()); // read newest first
    return this.forApplication(scope, application);
  }

  /** APP-11: outside any transaction (it waits on DNS): a new CAA look-up for names whose result is missing or stale. */
  async refreshCaa(applicationId: string | null): Promise<void> {
    const app = applicationId ? await findById(this.ds.manager, Application, applicationId) : null;
    if (!app) return;
    const stale = await this.caa.stale(this.ds.manager, app.subscriberId, app.names, null, this.clock.now());
    if (stale.length === 0) return;
    const targets = caaTargets(app, await this.validationsOfNames(app)).filter((t) => stale.includes(t.name));
    const afterSeq = await this.caa.lastSeq(
      this.ds.manager,
      app.subscriberId,
      targets.map((t) => t.name),
      null,
    );
    const results = await this.caa.lookup(targets, null);
    await inTransaction(this.ds, (tx) =>
      this.caa.record(tx, app.subscriberId, null, results, { applicationId: app.id, afterSeq }),
    );
  }

  /**
   * APP-9 and APP-11, inside the approval's transaction: every name stands on a successful validation
   * still inside the reuse period, and on a PERMITTED CAA result no older than 8 hours. Until the caller
   * has looked CAA up (`caaLookedUp`), a result that is missing, about to expire or not PERMITTED throws
   * CaaLookupNeeded: the caller rolls back, looks up (refreshCaa) and tries once more. The usual approval,
   * whose CAA was checked with domain control, so reads its CAA results once.
   */
  async requireIssuable(tx: EntityManager, app: Application, now: Date, caaLookedUp: boolean): Promise<void> {
    const valid = await this.reusable(tx, app.subscriberId, app.names, now);
    const missing = app.names.filter((n) => !valid.has(n));
    if (missing.length > 0) {
      throw refusal(
        RefusalCode.DOMAIN_CONTROL_NOT_VALIDATED,
        `Domain control is not validated for: ${missing.join(", ")} (APP-9).`,
        "input.applicationId",
        `ドメイン名の利用権確認が完了していません: ${missing.join(", ")}`,
      );
    }
    const newest = await this.caa.newest(tx, app.subscriberId, app.names, null, now);
    if (!caaLookedUp && staleIn(newest, app.names, now).length > 0) throw new CaaLookupNeeded();
    const shortfalls = shortfallsIn(newest, app.names);
    if (shortfalls.length > 0) {
      const text = shortfalls.map((s) => `${s.name}: ${s.message}`).join("; ");
      throw refusal(
        RefusalCode.CAA_NOT_PERMITTED,
        `CAA does not allow issuance (APP-11): ${text}.`,
        "input.applicationId",
        `CAAレコードにより発行できません: ${text}`,
      );
    }
  }

  /** Every validation the application's subscriber has of the application's names, newest first. */
  private validationsOfNames(app: Application): Promise<DomainValidation[]> {
    return findWhere(
      this.ds.manager,
      DomainValidation,
      `WHERE subscriber_id = $1 AND name = ANY($2::text[]) ORDER BY created_at DESC`,
      [app.subscriberId, app.names],
    );
  }

  private runCheck(v: DomainValidation): Promise<DcvResult> {
    return v.method === DomainValidationMethod.HTTP_FILE
      ? checkHttpFile(v.name, v.token, this.network)
      : checkDnsTxt(v.name, v.token, this.network);
  }

  private async recordCheck(
    tx: EntityManager,
    scope: RequestScope,
    application: Application,
    v: DomainValidation,
    result: DcvResult,
  ): Promise<DomainValidation | null> {
    // Another check of the same challenge may have recorded its result while ours was on the network:
    // then ours is not recorded again (one result per round, not one per concurrent caller). The UPDATE
    // applies only to the row as we read it: it locks the row and checks its condition on the newest
    // version, so a concurrent check waits and then finds it changed (one statement, not a read and a write).
    const status = result.ok ? DomainValidationStatus.VALID : DomainValidationStatus.FAILED;
    const meta = tx.connection.getMetadata(DomainValidation);
    const [rows]: [Record<string, unknown>[], number] = await tx.query(
      `UPDATE domain_validation SET status = $1, evidence = $2, checked_at = $3
       WHERE id = $4 AND status = $5 AND date_trunc('milliseconds', checked_at) IS NOT DISTINCT FROM $6
       RETURNING ${columnList(meta)}`,
      [
        status,
        JSON.stringify({ ...result.evidence, failure: result.failure ?? null }),
        result.checkedAt,
        v.id,
        v.status,
        v.checkedAt,
      ],
    );
    if (rows.length === 0) return null;
    await this.audit.record(tx, scope, {
      action: result.ok ? "domainValidation.succeed" : "domainValidation.fail",
      entityType: "Application",
      entityId: toGlobalId("Application", application.id),
      resellerId: application.resellerId,
      after: {
        name: v.name,
        method: v.method,
        status,
        failure: result.failure ?? null,
        cause: result.cause?.code ?? null,
      },
    });
    return hydrate<DomainValidation>(tx, meta, rows[0]);
  }
}

/** A loader key of one subscriber's DNS name (a name never holds a space). */
function subscriberNameKey(subscriberId: string, name: string): string {
  return `${subscriberId} ${name}`;
}

/** The (subscriber, name) pairs of loader keys, as the two arrays UNNEST_SUBSCRIBER_NAMES reads. */
function splitSubscriberNameKeys(keys: readonly string[]): { subscriberIds: string[]; names: string[] } {
  const pairs = keys.map((k) => k.split(" ", 2));
  return { subscriberIds: pairs.map((p) => p[0]), names: pairs.map((p) => p[1]) };
}

/** The pairs as rows, matched against the (subscriber_id, name, …) indexes of both tables. */
const UNNEST_SUBSCRIBER_NAMES = "SELECT * FROM unnest(CAST(:subscriberIds AS uuid[]), CAST(:names AS text[]))";

/** Each name with the RFC 8657 label of the method it is (or will be) validated by; `rows` newest first. */
function caaTargets(app: Application, rows: readonly DomainValidation[]): { name: string; method: string }[] {
  return app.names.map((name) => {
    const own = rows.find((v) => v.name === name && v.applicationId === app.id);
    const method =
      own?.method ??
      rows.find((v) => v.name === name && v.status === DomainValidationStatus.VALID)?.method ??
      app.dcvMethod;
    return { name, method: CAA_METHOD_LABEL[method] ?? CAA_METHOD_LABEL.HTTP_FILE };
  });
}
