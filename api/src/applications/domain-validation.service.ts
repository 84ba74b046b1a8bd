import { DataSource, EntityManager, In } from "typeorm";
import { AuditService } from "../audit/audit.service";
import { Config } from "../config";
import { inTransaction } from "../db/transaction";
import { canReuseDcv } from "../domain";
import { Clock } from "../domain/clock";
import { toGlobalId } from "../graphql/global-id";
import { RequestScope } from "../request-scope";
import { Application } from "./application.entity";
import { DcvMethod, DcvNetworkOptions, checkDnsTxt, checkHttpFile, newDcvToken } from "./dcv-checks";
import { DomainValidation, DomainValidationMethod, DomainValidationStatus } from "./domain-validation.entity";

/**
 * APP-9: the validation of `name` that may still be reused at `at` — successful, inside the reuse
 * period in force — from rows ordered newest first. The one place the reuse rule is applied.
 */
function newestReusable(rowsNewestFirst: DomainValidation[], name: string, at: Date): DomainValidation | undefined {
  return rowsNewestFirst.find((v) => v.name === name && v.status === DomainValidationStatus.VALID && v.checkedAt !== null && canReuseDcv(v.checkedAt, at).ok);
}

/**
 * APP-9: domain control is proved per name before issuance, by an HTTP file or a DNS TXT record,
 * with the evidence kept. A successful validation of a subscriber's name is reused for later
 * certificates only within the reuse period in force at issuance.
 */
export class DomainValidationService {
  private readonly network: DcvNetworkOptions;

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    config: Config,
  ) {
    this.network = { ...config.dcv, now: () => this.clock.now() };
  }

  /** The newest successful validation of each name that may still be reused at `at`. */
  async reusable(tx: EntityManager, subscriberId: string, names: string[], at: Date): Promise<Map<string, DomainValidation>> {
    const rows = await tx.find(DomainValidation, {
      where: { subscriberId, name: In(names), status: DomainValidationStatus.VALID },
      order: { checkedAt: "DESC" },
    });
    return new Map(names.map((n) => [n, newestReusable(rows, n, at)] as const).filter((e): e is [string, DomainValidation] => e[1] !== undefined));
  }

  /** Opens a challenge for every name that has no reusable validation; wildcards always use DNS (BR 3.2.2.4.18). */
  async openChallenges(tx: EntityManager, application: Application, method: DcvMethod): Promise<void> {
    const now = this.clock.now();
    const reusable = await this.reusable(tx, application.subscriberId, application.names, now);
    for (const name of application.names) {
      if (reusable.has(name)) continue;
      await tx.insert(DomainValidation, {
        subscriberId: application.subscriberId,
        applicationId: application.id,
        name,
        method: name.startsWith("*.") ? DomainValidationMethod.DNS_TXT : (method as DomainValidationMethod),
        token: newDcvToken(),
        status: DomainValidationStatus.PENDING,
        evidence: null,
        checkedAt: null,
        createdAt: now,
      });
    }
  }

  /**
   * What an application's names stand on: its own challenges, or reused earlier validations. Read
   * through the request's loaders, so a page of applications costs two queries, not two each.
   */
  async forApplication(scope: RequestScope, application: Application): Promise<DomainValidation[]> {
    const own = await scope.loaders.manyBy(DomainValidation, "applicationId", { createdAt: "ASC" }).load(application.id);
    const ofSubscriber = await scope.loaders.manyBy(DomainValidation, "subscriberId", { checkedAt: "DESC" }).load(application.subscriberId);
    const now = this.clock.now();
    const reused = (name: string) => newestReusable(ofSubscriber, name, now);
    return application.names.map((n) => own.filter((v) => v.name === n).pop() ?? reused(n)).filter((v): v is DomainValidation => v !== undefined);
  }

  /**
   * Runs the network checks of an application's open challenges, then records each result with its
   * evidence. The checks run outside any transaction so that no lock is held while the network answers.
   */
  async check(scope: RequestScope, application: Application): Promise<DomainValidation[]> {
    const open = await this.ds.getRepository(DomainValidation).find({
      where: { applicationId: application.id, status: In([DomainValidationStatus.PENDING, DomainValidationStatus.FAILED]) },
    });
    const results = await Promise.all(
      open.map(async (v) => ({ v, result: v.method === DomainValidationMethod.HTTP_FILE ? await checkHttpFile(v.name, v.token, this.network) : await checkDnsTxt(v.name, v.token, this.network) })),
    );
    await inTransaction(this.ds, async (tx) => {
      for (const { v, result } of results) {
        // Another check of the same challenge may have recorded its result while ours was on the network:
        // then ours is not recorded again (one result per round, not one per concurrent caller).
        const current = await tx.findOne(DomainValidation, { where: { id: v.id }, lock: { mode: "pessimistic_write" } });
        if (!current || current.status !== v.status || current.checkedAt?.getTime() !== v.checkedAt?.getTime()) continue;
        const status = result.ok ? DomainValidationStatus.VALID : DomainValidationStatus.FAILED;
        await tx.update(DomainValidation, { id: v.id }, { status, evidence: { ...result.evidence, failure: result.failure ?? null } as never, checkedAt: result.checkedAt });
        await this.audit.record(tx, scope, {
          action: result.ok ? "domainValidation.succeed" : "domainValidation.fail",
          entityType: "Application",
          entityId: toGlobalId("Application", application.id),
          resellerId: application.resellerId,
          after: { name: v.name, method: v.method, status, failure: result.failure ?? null },
        });
      }
    });
    scope.loaders.clearAll();
    return this.forApplication(scope, application);
  }
}
