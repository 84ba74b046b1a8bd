import { DataSource, IsNull } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { canSeeResellerData, requireOperator, requireReseller } from "../auth";
import { inTransaction } from "../db/transaction";
import { Clock } from "../domain/clock";
import { isEmailAddress } from "../domain/email";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { AcmeApplicationDecision, ResellerAcmeApplication } from "./acme-application.entity";
import { ResellerRegistrationChange } from "./registration-change.entity";
import { Reseller, ResellerStatus } from "./reseller.entity";

export interface RegistrationUpdate {
  resellerId: string | null;
  name?: string | null;
  representativeName?: string | null;
  contactEmail?: string | null;
  /** Empty string clears. */
  contactPhone?: string | null;
  address?: string | null;
}

const FIELDS = ["name", "representativeName", "contactEmail", "contactPhone", "address"] as const;

/** RES-1: changes of registered data, recorded with their date; RES-12: the ACME-variant application. */
export class ResellerRegistrationService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async update(
    scope: RequestScope,
    input: RegistrationUpdate,
  ): Promise<{ reseller: Reseller; changes: ResellerRegistrationChange[] }> {
    requireOperator(scope.caller);
    for (const f of ["name", "representativeName"] as const) {
      const v = input[f];
      if (v != null && (v.trim().length === 0 || v.length > 200))
        throw refusal(RefusalCode.INVALID_INPUT, `${f} must be 1 to 200 characters.`, `input.${f}`);
    }
    if (input.contactEmail != null && !isEmailAddress(input.contactEmail))
      throw refusal(RefusalCode.INVALID_INPUT, "contactEmail is not valid.", "input.contactEmail");
    const now = this.clock.now();
    return inTransaction(this.ds, async (tx) => {
      const reseller = input.resellerId
        ? await tx.findOne(Reseller, { where: { id: input.resellerId }, lock: { mode: "pessimistic_write" } })
        : null;
      if (!reseller) throw refusal(RefusalCode.NOT_FOUND, "No such reseller.", "input.resellerId");
      if (reseller.status === ResellerStatus.TERMINATED)
        throw refusal(RefusalCode.RESELLER_TERMINATED, "The reseller's contract has ended.", "input.resellerId");
      const before = snapshot(reseller);
      const changes: ResellerRegistrationChange[] = [];
      for (const f of FIELDS) {
        const raw = input[f];
        if (raw === undefined || raw === null) continue;
        const next = f === "contactPhone" || f === "address" ? (raw.trim() === "" ? null : raw.trim()) : raw.trim();
        const current = reseller[f] ?? null;
        if (next === current) continue;
        (reseller as unknown as Record<string, string | null>)[f] = next;
        changes.push(
          await tx.save(
            tx.create(ResellerRegistrationChange, {
              resellerId: reseller.id,
              field: f,
              oldValue: current,
              newValue: next,
              changedAt: now,
              actorKeyId: scope.caller.kind === "OPERATOR" ? scope.caller.keyId : null,
            }),
          ),
        );
      }
      if (changes.length === 0) return { reseller, changes };
      reseller.updatedAt = now;
      await tx.save(reseller);
      await this.audit.record(tx, scope, {
        action: "reseller.update",
        entityType: "Reseller",
        entityId: reseller.nodeId,
        resellerId: reseller.id,
        reason: changes.map((c) => c.field).join(", "),
        before,
        after: snapshot(reseller),
      });
      return { reseller, changes };
    });
  }

  async history(scope: RequestScope, reseller: Reseller): Promise<ResellerRegistrationChange[]> {
    if (!canSeeResellerData(scope.caller, reseller.id)) return [];
    const rows = await this.ds
      .getRepository(ResellerRegistrationChange)
      .find({ where: { resellerId: reseller.id }, order: { changedAt: "ASC", id: "ASC" } });
    // Fields changed together are listed in the order of the registration form.
    const rank = (f: string) => FIELDS.indexOf(f as (typeof FIELDS)[number]);
    return rows.sort((a, b) => a.changedAt.getTime() - b.changedAt.getTime() || rank(a.field) - rank(b.field));
  }

  async getAcmeApplication(scope: RequestScope, id: string): Promise<ResellerAcmeApplication | null> {
    const a = await scope.loaders.byId(ResellerAcmeApplication).load(id);
    return a && canSeeResellerData(scope.caller, a.resellerId) ? a : null;
  }

  async acmeApplications(scope: RequestScope, reseller: Reseller): Promise<ResellerAcmeApplication[]> {
    if (!canSeeResellerData(scope.caller, reseller.id)) return [];
    return this.ds
      .getRepository(ResellerAcmeApplication)
      .find({ where: { resellerId: reseller.id }, order: { requestedAt: "ASC" } });
  }

  /** RES-12: the reseller applies for ACME-variant brokering itself. */
  async applyForAcme(scope: RequestScope, note: string | null): Promise<ResellerAcmeApplication> {
    const resellerId = requireReseller(scope.caller);
    const text = (note ?? "").trim();
    if (text.length > 2000)
      throw refusal(RefusalCode.INVALID_INPUT, "note must be at most 2000 characters.", "input.note");
    const now = this.clock.now();
    return inTransaction(this.ds, async (tx) => {
      const reseller = await tx.findOneOrFail(Reseller, {
        where: { id: resellerId },
        lock: { mode: "pessimistic_write" },
      });
      if (reseller.status !== ResellerStatus.ACTIVE)
        throw refusal(RefusalCode.RESELLER_SUSPENDED, `The reseller is ${reseller.status.toLowerCase()}.`);
      if (reseller.acmeEnabled) throw refusal(RefusalCode.CONFLICT, "ACME-variant brokering is already enabled.");
      if (await tx.findOneBy(ResellerAcmeApplication, { resellerId, decision: IsNull() }))
        throw refusal(RefusalCode.CONFLICT, "An application is already waiting for the operator.");
      const app = await tx.save(
        tx.create(ResellerAcmeApplication, {
          resellerId,
          note: text,
          requestedAt: now,
          decision: null,
          decidedAt: null,
        }),
      );
      await this.audit.record(tx, scope, {
        action: "reseller.acme.apply",
        entityType: "ResellerAcmeApplication",
        entityId: app.nodeId,
        resellerId,
        after: snapshot(app),
      });
      return app;
    });
  }

  /**
   * RES-12: the operator approves the reseller's open application and enables ACME-variant brokering.
   * @rule RES-12 — the database refuses the flag without an approved application (migrations/1763700000900-governance.ts)
   */
  async enableAcme(scope: RequestScope, resellerId: string | null): Promise<Reseller> {
    requireOperator(scope.caller);
    const now = this.clock.now();
    return inTransaction(this.ds, async (tx) => {
      const reseller = resellerId
        ? await tx.findOne(Reseller, { where: { id: resellerId }, lock: { mode: "pessimistic_write" } })
        : null;
      if (!reseller) throw refusal(RefusalCode.NOT_FOUND, "No such reseller.", "input.resellerId");
      if (reseller.acmeEnabled) return reseller;
      const app = await tx
        .getRepository(ResellerAcmeApplication)
        .createQueryBuilder("a")
        .setLock("pessimistic_write")
        .where("a.reseller_id = :id AND a.decision IS NULL", { id: reseller.id })
        .getOne();
      if (!app)
        throw refusal(
          RefusalCode.ACME_APPLICATION_MISSING,
          "The reseller has not applied for ACME-variant brokering (RES-12).",
          "input.resellerId",
          "ACME方式の取次には指定事業者からの別途の申込みが必要です。",
        );
      if (reseller.status === ResellerStatus.TERMINATED)
        throw refusal(RefusalCode.RESELLER_TERMINATED, "The reseller's contract has ended.", "input.resellerId");
      app.decision = AcmeApplicationDecision.APPROVED;
      app.decidedAt = now;
      await tx.save(app);
      const before = snapshot(reseller);
      reseller.acmeEnabled = true;
      reseller.updatedAt = now;
      await tx.save(reseller);
      await this.audit.record(tx, scope, {
        action: "reseller.acme.enable",
        entityType: "Reseller",
        entityId: reseller.nodeId,
        resellerId: reseller.id,
        reason: `application ${app.nodeId}`,
        before,
        after: snapshot(reseller),
      });
      return reseller;
    });
  }
}
