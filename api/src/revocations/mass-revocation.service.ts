import { DataSource, EntityManager } from "typeorm";
import { AuditService, snapshot } from "../audit/audit.service";
import { requireOperator } from "../auth/authorize";
import { systemActor } from "../auth/caller";
import { Certificate, CertificateSource } from "../certificates/certificate.entity";
import { inTransaction } from "../db/transaction";
import { checkRevocationReason } from "../domain";
import { Clock } from "../domain/clock";
import { toGlobalId } from "../graphql/global-id";
import { JobHandler, enqueueJob } from "../jobs/job-runner";
import { RefusalCode, fromDomain, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { MassRevocation, MassRevocationStatus } from "./mass-revocation.entity";
import { RevocationReason } from "./revocation-reason";
import { RevocationRequester } from "./revocation.entity";
import { RevocationService } from "./revocation.service";

export const MASS_REVOCATION_JOB = "revocation.mass-batch";

/**
 * REV-4 (J 11.2, ballot SC-089): revoke every unexpired certificate of an issuing CA, or of a list
 * of serials, in one operation. It runs as a chain of jobs, each revoking one batch in one
 * transaction and recording progress, so a crash half-way resumes where it stopped and nothing is
 * revoked twice.
 */
export class MassRevocationService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly revocations: RevocationService,
    private readonly batchSize: number,
  ) {}

  async start(scope: RequestScope, input: { issuingCaId: string | null; serials: string[] | null; reason: string; ground: string }): Promise<MassRevocation> {
    requireOperator(scope.caller);
    if ((input.issuingCaId === null) === (input.serials === null)) throw refusal(RefusalCode.INVALID_INPUT, "Give either issuingCaId or serials.", "input.issuingCaId");
    const reason = checkRevocationReason("OPERATOR", input.reason);
    if (!reason.ok) throw fromDomain(reason, "input.reason");
    const serials = input.serials?.map((s) => s.toLowerCase().replace(/[:\s]/g, "")) ?? null;
    if (serials && (serials.length === 0 || serials.length > 100_000 || serials.some((s) => !/^[0-9a-f]{1,64}$/.test(s)))) throw refusal(RefusalCode.INVALID_INPUT, "serials must be 1 to 100000 hex serial numbers.", "input.serials");
    if (input.ground.trim().length === 0) throw refusal(RefusalCode.INVALID_INPUT, "State the ground (REV-4).", "input.ground");
    return inTransaction(this.ds, async (tx) => {
      const now = this.clock.now();
      const total = await this.pending(tx, { issuingCaId: input.issuingCaId, serials }, now).getCount();
      const mass = await tx.save(
        tx.create(MassRevocation, { issuingCaId: input.issuingCaId, serials, reason: reason.reason, status: total === 0 ? MassRevocationStatus.COMPLETED : MassRevocationStatus.RUNNING, total, done: 0, createdAt: now, completedAt: total === 0 ? now : null }),
      );
      if (total > 0) await enqueueJob(tx, { kind: MASS_REVOCATION_JOB, runAt: now, uniqueKey: `mass:${mass.id}:0`, payload: { massRevocationId: mass.id } });
      await this.audit.record(tx, scope, { action: "massRevocation.start", entityType: "MassRevocation", entityId: toGlobalId("MassRevocation", mass.id), resellerId: null, reason: input.ground, after: snapshot(mass) });
      return mass;
    });
  }

  async get(scope: RequestScope, id: string): Promise<MassRevocation | null> {
    if (scope.caller.kind !== "OPERATOR" && scope.caller.kind !== "SYSTEM") return null;
    return scope.loaders.byId(MassRevocation).load(id);
  }

  /** One batch: lock the next certificates, revoke them, record progress; enqueue the next batch or finish. */
  batchJob(): JobHandler {
    return async (job, tx) => {
      const mass = await tx.findOne(MassRevocation, { where: { id: String(job.payload.massRevocationId) }, lock: { mode: "pessimistic_write" } });
      if (!mass || mass.status !== MassRevocationStatus.RUNNING) return;
      const now = this.clock.now();
      const batch = await this.pending(tx, mass, now).orderBy("c.id").limit(this.batchSize).setLock("pessimistic_write").getMany();
      const actor = systemActor(`mass-revocation:${mass.id}`);
      for (const cert of batch) {
        await this.revocations.execute(tx, actor, cert, mass.reason as RevocationReason, {
          requestedBy: RevocationRequester.OPERATOR, requesterKeyId: null, comment: "mass revocation", massRevocationId: mass.id,
        });
      }
      mass.done = Math.min(mass.total, mass.done + batch.length);
      if (batch.length < this.batchSize) {
        mass.status = MassRevocationStatus.COMPLETED;
        mass.done = mass.total;
        mass.completedAt = now;
      } else {
        // Keyed by this batch's job, which never repeats (done can stall at total while certificates keep coming).
        await enqueueJob(tx, { kind: MASS_REVOCATION_JOB, runAt: now, uniqueKey: `mass:${mass.id}:after:${job.id}`, payload: { massRevocationId: mass.id } });
      }
      await tx.save(mass);
    };
  }

  private pending(tx: EntityManager, scope: { issuingCaId: string | null; serials: string[] | null }, now: Date) {
    const qb = tx
      .createQueryBuilder(Certificate, "c")
      .where("c.source = :issued AND c.revoked_at IS NULL AND c.not_after > :now", { issued: CertificateSource.ISSUED, now });
    if (scope.issuingCaId) qb.andWhere("c.issuing_ca_id = :ca", { ca: scope.issuingCaId });
    else qb.andWhere("c.serial_hex IN (:...serials)", { serials: scope.serials });
    return qb;
  }
}
