import { DataSource, EntityManager, ObjectLiteral } from "typeorm";
import { ColumnMetadata } from "typeorm/metadata/ColumnMetadata";
import { AuditService, snapshot } from "../audit";
import { requireOperator, systemActor } from "../auth";
import { Certificate, CertificateSource } from "../certificates";
import { Contract, ContractEndReason, ContractStatus, contractEndState } from "../contracts";
import { runBeforeCommitHooks } from "../db/commit-hooks";
import { inTransaction } from "../db/transaction";
import { checkRevocationReason, revocationDeadline } from "../domain";
import { Clock } from "../domain/clock";
import { updatedRows } from "../db/query-results";
import { EventPublisher, EventType } from "../events";
import { toGlobalId } from "../ids";
import { JobHandler, enqueueJob } from "../jobs/job-runner";
import { NoticeService } from "../notices";
import { RefusalCode, fromDomain, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { StatusPublisher } from "../status";
import { ChainCursor, chainCount, cursorOf, idRanges, positionRanges } from "./mass-revocation-chains";
import { MassRevocation, MassRevocationStatus } from "./mass-revocation.entity";
import { RevocationReason } from "./revocation-reason";
import { revocationAuditStates } from "./revocation-audit";
import { Revocation, RevocationRequester } from "./revocation.entity";

export const MASS_REVOCATION_JOB = "revocation.mass-batch";

/** What a batch uses of each certificate it revokes. */
type RevokedInBatch = Pick<
  Certificate,
  "id" | "contractId" | "issuingCaId" | "crlShard" | "serialHex" | "names" | "revokedAt" | "revocationReason"
>;

/** What a batch uses of each contract whose certificate it revokes. */
type ContractInBatch = Pick<Contract, "id" | "subscriberId" | "resellerId" | "status" | "endedAt" | "endReason">;

/** What every revocation row of a mass revocation says as its comment (and its audit entries as their reason). */
const MASS_REVOCATION_COMMENT = "mass revocation";

/**
 * REV-4 (J 11.2, ballot SC-089): revoke every unexpired certificate of an issuing CA, or of a list
 * of serials, in one operation. It runs as chains of jobs side by side, each chain over its own part
 * of the work (mass-revocation-chains.ts) and each job revoking one batch in one transaction and
 * enqueueing its chain's next, so a crash half-way resumes there and nothing is revoked twice.
 *
 * A batch does, in set form, everything RevocationService.execute does for one certificate — the
 * certificate row, the revocation row (superseding a scheduled one), the end of the contract (REV-6),
 * the audit entries, the notices, the events, and the CRL/OCSP/status publication — with a fixed
 * number of statements whatever its size (issue 11: ~10 statements per certificate made 10,000
 * certificates take 698 s).
 */
export class MassRevocationService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly status: StatusPublisher,
    private readonly events: EventPublisher,
    private readonly notices: NoticeService,
    private readonly batchSize: number,
    /** Chains of batches per mass revocation; the bulk job lane has as many runners. */
    private readonly maxChains: number,
  ) {}

  async start(
    scope: RequestScope,
    input: { issuingCaId: string | null; serials: string[] | null; reason: string; ground: string },
  ): Promise<MassRevocation> {
    requireOperator(scope.caller);
    if ((input.issuingCaId === null) === (input.serials === null))
      throw refusal(RefusalCode.INVALID_INPUT, "Give either issuingCaId or serials.", "input.issuingCaId");
    const reason = checkRevocationReason("OPERATOR", input.reason);
    if (!reason.ok) throw fromDomain(reason, "input.reason");
    // Each serial once: progress counts list entries, and a repeated one would be counted twice.
    const serials = input.serials
      ? [...new Set(input.serials.map((s) => s.toLowerCase().replace(/[:\s]/g, "")))]
      : null;
    if (
      serials &&
      (serials.length === 0 || serials.length > 100_000 || serials.some((s) => !/^[0-9a-f]{1,64}$/.test(s)))
    )
      throw refusal(RefusalCode.INVALID_INPUT, "serials must be 1 to 100000 hex serial numbers.", "input.serials");
    if (input.ground.trim().length === 0)
      throw refusal(RefusalCode.INVALID_INPUT, "State the ground (REV-4).", "input.ground");
    return inTransaction(this.ds, async (tx) => {
      const now = this.clock.now();
      const total = await this.countPending(tx, { issuingCaId: input.issuingCaId, serials }, now);
      const chains =
        total === 0
          ? []
          : serials
            ? positionRanges(serials.length, chainCount(serials.length, this.batchSize, this.maxChains))
            : idRanges(chainCount(total, this.batchSize, this.maxChains));
      const mass = await tx.save(
        tx.create(MassRevocation, {
          issuingCaId: input.issuingCaId,
          serials,
          reason: reason.reason,
          status: total === 0 ? MassRevocationStatus.COMPLETED : MassRevocationStatus.RUNNING,
          total,
          done: 0,
          chainsRunning: chains.length,
          createdAt: now,
          completedAt: total === 0 ? now : null,
        }),
      );
      for (const cursor of chains)
        await enqueueJob(tx, {
          kind: MASS_REVOCATION_JOB,
          runAt: now,
          uniqueKey: `mass:${mass.id}:${cursor.chain}:0`,
          payload: { massRevocationId: mass.id, ...cursor },
        });
      await this.audit.record(tx, scope, {
        action: "massRevocation.start",
        entityType: "MassRevocation",
        entityId: toGlobalId("MassRevocation", mass.id),
        resellerId: null,
        reason: input.ground,
        after: snapshot(mass),
      });
      return mass;
    });
  }

  async get(scope: RequestScope, id: string): Promise<MassRevocation | null> {
    if (scope.caller.kind !== "OPERATOR" && scope.caller.kind !== "SYSTEM") return null;
    return scope.loaders.byId(MassRevocation).load(id);
  }

  /**
   * One batch of one chain, one transaction: take the chain's next certificates, revoke them, add them
   * to the progress, and enqueue the chain's next batch with the cursor moved. A crash rolls all of it
   * back, next job included, so the batch is simply done again. The chain that finishes last completes
   * the mass revocation. The mass revocation's row is written only at the end of a batch, so that its
   * lock is held just until commit (where else chains meet is said in the handler).
   */
  batchJob(): JobHandler {
    return async (job, tx) => {
      const mass = await tx.findOne(MassRevocation, {
        select: { id: true, issuingCaId: true, reason: true, status: true },
        where: { id: String(job.payload.massRevocationId) },
      });
      if (!mass || mass.status !== MassRevocationStatus.RUNNING) return;
      const now = this.clock.now();
      const cursor = cursorOf(job.payload, mass.issuingCaId === null ? "serials" : "issuingCa");
      const { candidates, next } = await this.nextBatch(tx, mass, cursor, now);
      const revoked = await this.revokeSet(tx, mass, candidates, now);
      // What the chains contend for comes last, so that each holds those locks only until it commits:
      // first the batch's audit entries are written, and its events parked (event_pending). A chain still
      // waits for another's commit where they meet: at the progress row, at the first insert of a new
      // window's held CRL job, at a contract both revoke (a reissue's two certificates), and at COMMIT,
      // where the events reach the feed under its one lock (migration 1764600000000).
      await runBeforeCommitHooks(tx);
      // then STAT-1..3 (the view triggers tell every replica at commit): the CRLs of the scopes this batch
      // touched are held, one publication per scope for the batches of a window, until the last batch
      // releases them; then the chain's next batch and the shared progress row.
      await this.status.certificatesRevoked(tx, revoked, { held: true });
      if (next)
        // Keyed by this batch's job, which never repeats.
        await enqueueJob(tx, {
          kind: MASS_REVOCATION_JOB,
          runAt: now,
          uniqueKey: `mass:${mass.id}:${next.chain}:after:${job.id}`,
          payload: { massRevocationId: mass.id, ...next },
        });
      // An UPDATE waits for another chain's uncommitted one and then reads its result, so exactly one
      // chain sees the count reach 0, and only after every other chain's batches have committed.
      const [progress] = updatedRows<{ chainsRunning: number }>(
        await tx.query(
          `UPDATE mass_revocation SET done = LEAST(total, done + $2), chains_running = chains_running - $3
           WHERE id = $1 RETURNING chains_running AS "chainsRunning"`,
          [mass.id, candidates.length, next ? 0 : 1],
        ),
      );
      if (progress.chainsRunning > 0 || next) return;
      // STAT-1: the CRLs the batches held come out now (a job of their own, once this commits), listing
      // every certificate of the mass revocation.
      await this.status.releaseHeldCrlPublications(tx, `mass:${mass.id}`);
      await tx.update(
        MassRevocation,
        { id: mass.id },
        { status: MassRevocationStatus.COMPLETED, done: () => "total", completedAt: now },
      );
    };
  }

  /**
   * A chain's next certificates still to revoke, read without locks (revokeSet locks them), and where
   * the chain goes on from (null: it is done). An issuing CA's range is walked in id order (index
   * certificate_ca_id), so a batch never re-reads the ones already revoked; a list of serials is walked
   * by position, each slice matched through the indexed serial_hex.
   */
  private async nextBatch(
    tx: EntityManager,
    mass: MassRevocation,
    cursor: ChainCursor,
    now: Date,
  ): Promise<{ candidates: string[]; next: ChainCursor | null }> {
    if ("after" in cursor) {
      const bounds = [cursor.after, cursor.through].filter((b) => b !== null);
      const rows: { id: string }[] = await tx.query(caBatchSql(cursor), [
        mass.issuingCaId,
        now,
        this.batchSize,
        ...bounds,
      ]);
      const candidates = rows.map((r) => r.id);
      const done = rows.length < this.batchSize;
      return { candidates, next: done ? null : { ...cursor, after: candidates[candidates.length - 1] } };
    }
    const to = Math.min(cursor.end, cursor.from + this.batchSize);
    const rows: { id: string }[] = await tx.query(
      `SELECT DISTINCT c.id FROM mass_revocation m
       CROSS JOIN LATERAL unnest(m.serials[$2 + 1 : $3]) AS s(serial)
       JOIN certificate c ON c.serial_hex = s.serial
       WHERE m.id = $1 AND c.source = 'ISSUED' AND c.revoked_at IS NULL AND c.not_after > $4`,
      [mass.id, cursor.from, to, now],
    );
    return { candidates: rows.map((r) => r.id), next: to >= cursor.end ? null : { ...cursor, from: to } };
  }

  /**
   * RevocationService.execute for a set of certificates, statement for statement in set form.
   * REV-7: the certificates are locked FOR UPDATE in id order and only those still unrevoked are
   * revoked: a single revocation holding one of them makes this wait, and once it commits that
   * certificate is left out (revoked once, by it); if it rolls back, this revokes it. SKIP LOCKED
   * would be wrong: a skipped certificate whose single revocation then fails would stay valid.
   */
  private async revokeSet(
    tx: EntityManager,
    mass: MassRevocation,
    candidates: string[],
    now: Date,
  ): Promise<RevokedInBatch[]> {
    if (candidates.length === 0) return [];
    const reason = mass.reason as RevocationReason;
    const executedAt = new Date(Math.floor(now.getTime() / 1000) * 1000); // CRL and OCSP carry whole seconds
    // Only what the batch uses, straight from RETURNING (no read-back, no ORM hydration): every column of
    // 5,000 certificates and contracts, parsed and then dropped, was about a tenth of a batch's Node time.
    const certs = updatedRows<RevokedInBatch>(
      await tx.query(
        `WITH locked AS (SELECT id FROM certificate WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL ORDER BY id FOR UPDATE)
       UPDATE certificate c SET revoked_at = $2, revocation_reason = $3 FROM locked WHERE c.id = locked.id
       RETURNING c.id, c.contract_id AS "contractId", c.issuing_ca_id AS "issuingCaId", c.crl_shard AS "crlShard",
                 c.serial_hex AS "serialHex", c.names, c.revoked_at AS "revokedAt", c.revocation_reason AS "revocationReason"`,
        [candidates, executedAt, reason],
      ),
    );
    if (certs.length === 0) return [];
    const ids = certs.map((c) => c.id);
    const revColumns = columnsOf(tx, Revocation);
    const returning = revColumns.map((c) => c.databaseName).join(", ");
    // A scheduled revocation of the same certificate is superseded: executed now, by this one.
    const superseded = updatedRows<Record<string, unknown>>(
      await tx.query(
        `UPDATE revocation SET status = 'EXECUTED', executed_at = $2, reason = $3 WHERE certificate_id = ANY($1::uuid[]) AND status = 'SCHEDULED' RETURNING ${returning}`,
        [ids, executedAt, reason],
      ),
    );
    const created: Record<string, unknown>[] = await tx.query(
      `INSERT INTO revocation (certificate_id, requested_by, requester_key_id, reason, operator_ground, comment, status, requested_at, scheduled_for, deadline_at, executed_at, withdrawn_at, problem_report_id, mass_revocation_id)
       SELECT u.id, $2, NULL, $3, NULL, $4, 'EXECUTED', $5, NULL, $6, $7, NULL, NULL, $8
       FROM unnest($1::uuid[]) AS u(id)
       WHERE u.id <> ALL ($9::uuid[])
       RETURNING ${returning}`,
      [
        ids,
        RevocationRequester.OPERATOR,
        reason,
        MASS_REVOCATION_COMMENT,
        now,
        revocationDeadline({ reason, receivedAt: now }),
        executedAt,
        mass.id,
        superseded.map((r) => r.certificate_id),
      ],
    );
    const revocations = new Map(
      [...superseded, ...created].map((row) => toEntity(Revocation, revColumns, row)).map((r) => [r.certificateId, r]),
    );
    const contracts = new Map(
      (
        await tx.query<ContractInBatch[]>(
          `SELECT id, subscriber_id AS "subscriberId", reseller_id AS "resellerId", status, ended_at AS "endedAt", end_reason AS "endReason"
           FROM contract WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
          [[...new Set(certs.map((c) => c.contractId))]],
        )
      ).map((k) => [k.id, k]),
    );
    const actor = systemActor(`mass-revocation:${mass.id}`);
    for (const cert of certs) {
      await this.audit.record(tx, actor, {
        action: "certificate.revoke",
        entityType: "Certificate",
        entityId: toGlobalId("Certificate", cert.id),
        resellerId: contracts.get(cert.contractId)?.resellerId ?? null,
        reason: MASS_REVOCATION_COMMENT,
        ...revocationAuditStates(cert, revocations.get(cert.id)!),
      });
    }
    // REV-6: revocation ends the service — unless another certificate of the contract is still in force (a reissue).
    const ended = updatedRows<{ id: string }>(
      await tx.query(
        `UPDATE contract k SET status = $2, ended_at = $3, end_reason = $4
       WHERE k.id = ANY($1::uuid[]) AND k.status = $5
         AND NOT EXISTS (SELECT 1 FROM certificate c WHERE c.contract_id = k.id AND c.revoked_at IS NULL AND c.not_after > $6)
       RETURNING k.id`,
        [
          [...contracts.keys()],
          ContractStatus.ENDED,
          executedAt,
          ContractEndReason.REVOKED,
          ContractStatus.ACTIVE,
          now,
        ],
      ),
    );
    for (const { id } of ended) {
      const contract = contracts.get(id)!;
      const before = contractEndState(contract);
      contract.status = ContractStatus.ENDED;
      contract.endedAt = executedAt;
      contract.endReason = ContractEndReason.REVOKED;
      await this.audit.record(tx, actor, {
        action: "contract.end",
        entityType: "Contract",
        entityId: toGlobalId("Contract", contract.id),
        resellerId: contract.resellerId,
        reason: "REVOKED",
        before,
        after: contractEndState(contract),
      });
      await this.events.emit(tx, {
        type: EventType.CONTRACT_ENDED,
        resellerId: contract.resellerId,
        subjectType: "Contract",
        subjectId: toGlobalId("Contract", contract.id),
        data: { endReason: contract.endReason, endedAt: executedAt.toISOString() },
      });
    }
    // REV-2: revocation is executed with notice, through the managing reseller (NOT-1, RES-5).
    await this.notices.revocationsExecuted(
      tx,
      certs.map((certificate) => ({ certificate, reason })),
      contracts,
    );
    for (const cert of certs) {
      await this.events.emit(tx, {
        type: EventType.REVOCATION_EXECUTED,
        resellerId: contracts.get(cert.contractId)?.resellerId ?? null,
        subjectType: "Certificate",
        subjectId: toGlobalId("Certificate", cert.id),
        data: { serialNumber: cert.serialHex, reason, revokedAt: executedAt.toISOString() },
      });
    }
    return certs;
  }

  private async countPending(
    tx: EntityManager,
    scope: { issuingCaId: string | null; serials: string[] | null },
    now: Date,
  ): Promise<number> {
    const qb = tx
      .createQueryBuilder(Certificate, "c")
      .where("c.source = :issued AND c.revoked_at IS NULL AND c.not_after > :now", {
        issued: CertificateSource.ISSUED,
        now,
      });
    // ANY of one array parameter: a list of up to 100,000 serials would overflow the 65,535 parameters of an IN list.
    if (scope.issuingCaId) qb.andWhere("c.issuing_ca_id = :ca", { ca: scope.issuingCaId });
    else qb.andWhere("c.serial_hex = ANY(:serials)", { serials: scope.serials });
    return qb.getCount();
  }
}

/**
 * The next batch of an issuing CA's chain: $1 the CA, $2 now, $3 the batch size, then the range's bounds
 * that are set (after, through). Only those, so that a prepared statement's generic plan
 * (db/auto-prepare.ts) still starts the index scan at the cursor: a `$n IS NULL OR id > $n` would
 * walk the CA's index from its start, past every certificate already revoked.
 */
export function caBatchSql(range: { after: string | null; through: string | null }): string {
  const after = range.after === null ? "" : `AND id > $4`;
  const through = range.through === null ? "" : `AND id <= $${range.after === null ? 4 : 5}`;
  return `SELECT id FROM certificate
     WHERE issuing_ca_id = $1 AND source = 'ISSUED' ${after} ${through} AND revoked_at IS NULL AND not_after > $2
     ORDER BY id LIMIT $3`;
}

/** The columns of an entity as the database names them, less `omit` (property names). */
function columnsOf(tx: EntityManager, entity: ObjectLiteral, omit: string[] = []): ColumnMetadata[] {
  return tx.connection.getMetadata(entity as never).columns.filter((c) => !omit.includes(c.propertyName));
}

/** An entity from a raw row (what TypeORM would hydrate, for the plain column types these entities use). */
function toEntity<T extends object>(entity: new () => T, columns: ColumnMetadata[], row: Record<string, unknown>): T {
  const out = new entity() as Record<string, unknown>;
  for (const c of columns) out[c.propertyName] = row[c.databaseName];
  return out as T;
}
