import { DataSource, EntityManager } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { requireOperator } from "../auth";
import { Certificate } from "../certificates";
import { inTransaction } from "../db/transaction";
import { disputedNamesCovered, normalizeHostnames } from "../domain";
import { Clock } from "../domain/clock";
import { toGlobalId } from "../ids";
import { ConnectionShape, PageRequest, paginate } from "../paging";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { type GroundRevocation, lockIssuedCertificate, revokeOnGround } from "../revocations";
import type { RevocationService } from "../revocations";
import { NameDispute } from "./name-dispute.entity";

export interface OpenDisputeInput {
  names: string[] | null;
  certificateId: string | null;
  claimant: string;
  description: string;
  refuseApplications: boolean;
}

/** Disputes are rare operator records; opening them one at a time makes "the same dispute again" one dispute. */
const DISPUTE_LOCK = 0x616b_6470; // "akdp"

function text(value: string, field: string, max: number): string {
  const t = value.trim();
  if (t.length === 0 || t.length > max)
    throw refusal(RefusalCode.INVALID_INPUT, `${field} must be 1-${max} characters.`, `input.${field}`);
  return t;
}

/**
 * APP-6 [J 8(1)ア, O 11]: the operator does not arbitrate trademark or name disputes, but records
 * them — against names, or a certificate and its names — may refuse applications for those names
 * while one is open, and may revoke a certificate carrying them (REV-4).
 */
export class DisputeService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly revocations: RevocationService,
  ) {}

  /** Records a dispute; the same open dispute (names and claimant) recorded again is the first one. */
  async open(scope: RequestScope, input: OpenDisputeInput): Promise<NameDispute> {
    requireOperator(scope.caller);
    const claimant = text(input.claimant, "claimant", 200);
    const description = text(input.description, "description", 5000);
    const result = await inTransaction(this.ds, async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock($1)`, [DISPUTE_LOCK]);
      const cert = input.certificateId ? await tx.findOneBy(Certificate, { id: input.certificateId }) : null;
      if (input.certificateId && !cert)
        throw refusal(RefusalCode.NOT_FOUND, "No such certificate.", "input.certificateId");
      const names = this.names(input.names ?? [], cert);
      const same = await tx.query<{ id: string }[]>(
        `SELECT id FROM name_dispute WHERE closed_at IS NULL AND claimant = $1 AND names @> $2::text[] AND names ` +
          `<@ $2::text[] LIMIT 1`,
        [claimant, names],
      );
      if (same.length > 0) return tx.findOneByOrFail(NameDispute, { id: same[0].id });
      const dispute = await tx.save(
        tx.create(NameDispute, {
          names,
          certificateId: cert?.id ?? null,
          claimant,
          description,
          refuseApplications: input.refuseApplications,
          openedAt: this.clock.now(),
          openedByKeyId: scope.caller.kind === "OPERATOR" ? scope.caller.keyId : null,
          closedAt: null,
          resolution: null,
        }),
      );
      await this.audit.record(tx, scope, {
        action: "dispute.open",
        entityType: "NameDispute",
        entityId: dispute.nodeId,
        resellerId: null,
        after: snapshot(dispute),
      });
      return dispute;
    });
    scope.loaders.clearAll();
    return result;
  }

  /** Closes a dispute; closing a closed one returns it as it is. */
  async close(scope: RequestScope, disputeId: string | null, resolution: string): Promise<NameDispute> {
    requireOperator(scope.caller);
    const how = text(resolution, "resolution", 5000);
    const result = await inTransaction(this.ds, async (tx) => {
      const dispute = await this.lock(tx, disputeId);
      if (dispute.closedAt) return dispute;
      const before = snapshot(dispute);
      Object.assign(dispute, { closedAt: this.clock.now(), resolution: how });
      const saved = await tx.save(dispute);
      await this.audit.record(tx, scope, {
        action: "dispute.close",
        entityType: "NameDispute",
        entityId: saved.nodeId,
        resellerId: null,
        before,
        after: snapshot(saved),
      });
      return saved;
    });
    scope.loaders.clearAll();
    return result;
  }

  /** APP-6, REV-4: revoke a certificate carrying a name of an open dispute; the audit entry cites the dispute. */
  async revoke(
    scope: RequestScope,
    input: { disputeId: string | null; certificateId: string | null; reason: string },
  ): Promise<GroundRevocation> {
    requireOperator(scope.caller);
    const result = await inTransaction(this.ds, async (tx) => {
      const dispute = await this.lock(tx, input.disputeId);
      const { cert, contract } = await lockIssuedCertificate(tx, input.certificateId);
      if (cert.revokedAt) return { certificate: cert, revocation: null, alreadyRevoked: true };
      if (dispute.closedAt)
        throw refusal(
          RefusalCode.DISPUTE_CLOSED,
          "The dispute is closed.",
          "input.disputeId",
          "この紛争は終了しています。",
        );
      const covered = disputedNamesCovered(cert.names, dispute.names);
      if (covered.length === 0)
        throw refusal(
          RefusalCode.NAME_NOT_IN_DISPUTE,
          "The certificate carries none of the disputed names.",
          "input.certificateId",
          "この証明書には紛争の対象となる名前が含まれていません。",
        );
      const ground =
        `APP-6 [J 8(1)ア]: trademark or name dispute ${dispute.nodeId} about ${covered.join(", ")}` +
        ` (claimant: ${dispute.claimant})`;
      const done = await revokeOnGround(this.revocations, tx, scope, cert, {
        reason: input.reason,
        ground,
        now: this.clock.now(),
      });
      await this.audit.record(tx, scope, {
        action: "certificate.revokeForDispute",
        entityType: "Certificate",
        entityId: toGlobalId("Certificate", cert.id),
        resellerId: contract.resellerId,
        reason: ground,
        after: { disputeId: dispute.nodeId, names: covered, reason: input.reason },
      });
      return done;
    });
    scope.loaders.clearAll();
    return result;
  }

  async get(scope: RequestScope, id: string): Promise<NameDispute | null> {
    if (scope.caller.kind !== "OPERATOR" && scope.caller.kind !== "SYSTEM") return null;
    return scope.loaders.byId(NameDispute).load(id);
  }

  list(scope: RequestScope, args: PageRequest, openOnly: boolean): Promise<ConnectionShape<NameDispute>> {
    requireOperator(scope.caller);
    const qb = this.ds.getRepository(NameDispute).createQueryBuilder("d");
    if (openOnly) qb.where("d.closed_at IS NULL");
    return paginate(qb, args, ["opened_at", "id"]);
  }

  /** The names of the dispute: those given and, with a certificate, its names (a wildcard counts from its base). */
  private names(given: string[], cert: Certificate | null): string[] {
    const all = [
      ...new Set(
        [...given, ...(cert?.names ?? [])].map((n) => n.trim().toLowerCase().replace(/^\*\./, "").replace(/\.$/, "")),
      ),
    ];
    if (all.length === 0)
      throw refusal(RefusalCode.INVALID_INPUT, "Name the disputed names or a certificate.", "input.names");
    const r = normalizeHostnames(all, { allowWildcard: false });
    if (!r.ok) throw refusal(RefusalCode.INVALID_HOSTNAME, r.message, "input.names", r.messageJa);
    return [...new Set(r.names)].sort();
  }

  private async lock(tx: EntityManager, id: string | null): Promise<NameDispute> {
    const d = id ? await tx.findOne(NameDispute, { where: { id }, lock: { mode: "pessimistic_write" } }) : null;
    if (!d) throw refusal(RefusalCode.NOT_FOUND, "No such dispute.", "input.disputeId");
    return d;
  }
}
