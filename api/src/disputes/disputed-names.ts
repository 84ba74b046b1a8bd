import { EntityManager } from "typeorm";
import { disputedNamesCovered } from "../domain";
import { RefusalCode, refusal } from "../refusal";

/** Every name `name` and its parents, e.g. a.b.jp → a.b.jp, b.jp, jp (a wildcard counts from its base). */
function selfAndParents(name: string): string[] {
  const labels = name.replace(/^\*\./, "").split(".");
  return labels.map((_, i) => labels.slice(i).join("."));
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * APP-6 [J 8(1)ア]: an application is refused while an open dispute the operator marked "refuse
 * applications" covers any of its names (see coversDisputedName). The refusal names the names,
 * not the dispute's parties.
 * @rule APP-6 — revoking for a dispute goes through dispute.service.ts as a REV-4 ground
 */
export async function refuseDisputedNames(
  tx: EntityManager,
  names: readonly string[],
  field = "input.names",
): Promise<void> {
  const candidates = [...new Set(names.flatMap(selfAndParents))];
  const childPatterns = names.filter((n) => n.startsWith("*.")).map((n) => `%.${likeEscape(n.slice(2))}`);
  const rows: { names: string[] }[] = await tx.query(
    `SELECT names FROM name_dispute
     WHERE closed_at IS NULL AND refuse_applications
       AND (names && $1::text[] OR EXISTS (SELECT 1 FROM unnest(names) d WHERE d LIKE ANY ($2::text[])))`,
    [candidates, childPatterns],
  );
  const hit = [...new Set(rows.flatMap((r) => disputedNamesCovered(names, r.names)))];
  if (hit.length > 0) {
    throw refusal(
      RefusalCode.NAME_IN_DISPUTE,
      `A trademark or name dispute about ${hit.join(", ")} is open; applications for these names are refused while ` +
        `it lasts (APP-6).`,
      field,
      `${hit.join("、")} について商標・名称の紛争が係属中のため、お申し込みを受け付けられません。`,
    );
  }
}
