import {
  RevocationActor,
  RevocationReason,
  REVOCATION_REASON_ENUM,
  SCHEDULABLE_REVOCATION_REASONS,
  allowedRevocationReasons,
} from "../../api/src/domain";
import { REVOCATION_AT_END_OF_MONTH, REVOCATION_REASONS_BY_ACTOR } from "../../api/src/graphql/rule-descriptions";

/** The GraphQL descriptions that state a rule are built from the code that enforces it, not copied. */
const names = (reasons: readonly RevocationReason[]) => reasons.map((r) => REVOCATION_REASON_ENUM[r]);

/** The reasons a description lists after `label:` ("all" is every reason). */
function listed(description: string, label: string): string[] {
  const m = new RegExp(`${label}: ([^;(]+)`).exec(description);
  if (!m) throw new Error(`no "${label}:" in ${description}`);
  const text = m[1].trim();
  return text === "all" ? names(allowedRevocationReasons("OPERATOR")) : text.split(",").map((s) => s.trim());
}

const LABEL: Record<RevocationActor, string> = {
  SUBSCRIBER: "Subscriber \\(via reseller\\)",
  RESELLER: "managing reseller",
  OPERATOR: "operator",
};

test.each<RevocationActor>(["SUBSCRIBER", "RESELLER", "OPERATOR"])(
  "REV-1: the GraphQL description of revocation reasons lists for the %s exactly the reasons the revocation policy allows",
  (actor) => {
    expect(listed(REVOCATION_REASONS_BY_ACTOR, LABEL[actor])).toEqual(names(allowedRevocationReasons(actor)));
  },
);

test("REV-2: the end-of-month description names exactly the reasons the revocation policy lets wait", () => {
  const m = /only (.+)\.$/.exec(REVOCATION_AT_END_OF_MONTH);
  expect(m?.[1].split(" and ")).toEqual(names(SCHEDULABLE_REVOCATION_REASONS));
});
