/** ACME-2, ACME-4, ACME-6: where the usage FQDNs behind some names stand now (three queries, any number of names). */
import { EntityManager, In } from "typeorm";
import { type UsageState, usageState } from "../domain/acme-usage";
import { ResellerSuspension } from "../resellers";
import { UsageFqdn, UsagePeriod } from "./usage-fqdn.entity";

export interface UsageOfName {
  fqdn: UsageFqdn;
  periods: UsagePeriod[];
  state: UsageState;
}

/** The newest registration of each name for the subscriber, with its periods and state at `now`. */
export async function usageOfNames(
  tx: EntityManager,
  subscriberId: string,
  resellerId: string,
  names: string[],
  now: Date,
): Promise<Map<string, UsageOfName>> {
  const rows = await tx
    .createQueryBuilder(UsageFqdn, "u")
    .distinctOn(["u.name"])
    .where("u.subscriber_id = :subscriberId AND u.name IN (:...names)", { subscriberId, names })
    .orderBy("u.name")
    .addOrderBy("u.created_at", "DESC")
    .getMany();
  if (rows.length === 0) return new Map();
  const periods = await tx.find(UsagePeriod, {
    where: { usageFqdnId: In(rows.map((r) => r.id)) },
    order: { startsAt: "ASC" },
  });
  const suspensions = await tx.find(ResellerSuspension, { where: { resellerId } });
  return new Map(
    rows.map((fqdn) => [
      fqdn.name,
      stateOf(
        fqdn,
        periods.filter((p) => p.usageFqdnId === fqdn.id),
        suspensions,
        now,
      ),
    ]),
  );
}

export function stateOf(
  fqdn: UsageFqdn,
  periods: UsagePeriod[],
  suspensions: ResellerSuspension[],
  now: Date,
): UsageOfName {
  const state = usageState({ periods, suspensions, endedAt: fqdn.endedAt, now });
  return { fqdn, periods, state };
}
