import { DataSource } from "typeorm";
import { AuditService, snapshot } from "../audit";
import { canSeeResellerData, requireOperator } from "../auth";
import { inTransaction, isUniqueViolation } from "../db/transaction";
import { Clock } from "../domain/clock";
import { isEmailAddress } from "../domain/email";
import { toGlobalId } from "../ids";
import { ConnectionShape, PageRequest, paginate } from "../paging";
import { RefusalCode, refusal } from "../refusal";
import { RequestScope } from "../request-scope";
import { FeeService } from "../fees";
import { Reseller, ResellerStatus } from "./reseller.entity";

/** RES-1: the designation fee before consumption tax (JR 2). */
const DESIGNATION_FEE_YEN = 250_000;

export interface ResellerFields {
  code: string;
  name: string;
  representativeName: string;
  contactEmail: string;
  contactPhone?: string | null;
  address?: string | null;
  designationFeeWaived?: boolean;
}

export class ResellerService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly fees: FeeService | null = null,
  ) {}

  /** A reseller sees itself; operators see all (RES-3). */
  async get(scope: RequestScope, id: string): Promise<Reseller | null> {
    const r = await scope.loaders.byId(Reseller).load(id);
    return r && canSeeResellerData(scope.caller, r.id) ? r : null;
  }

  async list(scope: RequestScope, args: PageRequest): Promise<ConnectionShape<Reseller>> {
    requireOperator(scope.caller);
    return paginate(this.ds.getRepository(Reseller).createQueryBuilder("r"), args);
  }

  /**
   * RES-1: the operator designates a reseller with its registered data.
   * @rule RES-1
   */
  async create(scope: RequestScope, input: ResellerFields): Promise<Reseller> {
    requireOperator(scope.caller);
    if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(input.code)) {
      throw refusal(
        RefusalCode.INVALID_INPUT,
        "code must be 2-63 lower-case letters, digits or hyphens.",
        "input.code",
      );
    }
    for (const f of ["name", "representativeName"] as const) {
      if (input[f].trim().length === 0 || input[f].length > 200)
        throw refusal(RefusalCode.INVALID_INPUT, `${f} must be 1 to 200 characters.`, `input.${f}`);
    }
    if (!isEmailAddress(input.contactEmail))
      throw refusal(RefusalCode.INVALID_INPUT, "contactEmail is not valid.", "input.contactEmail");
    try {
      return await inTransaction(this.ds, async (tx) => {
        const now = this.clock.now();
        const reseller = await tx.save(
          tx.create(Reseller, {
            code: input.code,
            name: input.name.trim(),
            representativeName: input.representativeName.trim(),
            contactEmail: input.contactEmail,
            contactPhone: input.contactPhone ?? null,
            address: input.address ?? null,
            status: ResellerStatus.ACTIVE,
            designatedAt: now,
            designationFeeWaived: input.designationFeeWaived ?? false,
            acmeEnabled: false,
            terminatedAt: null,
            createdAt: now,
            updatedAt: now,
          }),
        );
        await this.audit.record(tx, scope, {
          action: "reseller.create",
          entityType: "Reseller",
          entityId: toGlobalId("Reseller", reseller.id),
          resellerId: reseller.id,
          after: snapshot(reseller),
        });
        // RES-1: ¥250,000 plus tax, not refundable; waived when already designated for domain names.
        if (!reseller.designationFeeWaived && this.fees) {
          await this.fees.recordCharge(
            tx,
            {
              resellerId: reseller.id,
              contractId: null,
              kind: "DESIGNATION",
              description: "指定料 / Designation fee (RES-1)",
              amountYen: DESIGNATION_FEE_YEN,
              chargedAt: now,
            },
            scope,
          );
        }
        return reseller;
      });
    } catch (e) {
      if (isUniqueViolation(e))
        throw refusal(RefusalCode.CONFLICT, `A reseller with code "${input.code}" already exists.`, "input.code");
      throw e;
    }
  }
}
