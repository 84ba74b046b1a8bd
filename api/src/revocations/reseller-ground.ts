import { registerEnumType } from "type-graphql";
import { RevocationActor, checkRevocationReason } from "../domain";
import { RefusalCode, refusal } from "../refusal";

/** REV-3 [J 10.4]: why a managing reseller revokes on its own account. */
export enum ResellerRevocationGround {
  SUBSCRIBER_CONTRACT_ENDED = "SUBSCRIBER_CONTRACT_ENDED",
  UNAVOIDABLE_CAUSE = "UNAVOIDABLE_CAUSE",
}
registerEnumType(ResellerRevocationGround, {
  name: "ResellerRevocationGround",
  description:
    "REV-3: the reseller's contract with the subscriber ended (SUBSCRIBER_CONTRACT_ENDED), or another unavoidable " +
    "cause (UNAVOIDABLE_CAUSE).",
});

const TEXT: Record<ResellerRevocationGround, string> = {
  SUBSCRIBER_CONTRACT_ENDED: "REV-3 [J 10.4]: the managing reseller's contract with the subscriber has ended",
  UNAVOIDABLE_CAUSE: "REV-3 [J 10.4]: the managing reseller's revocation for other unavoidable cause",
};

/**
 * REV-3: the managing reseller may request revocation on its own account only when its contract
 * with the subscriber ends or for another unavoidable cause; it must say which, and that ground is
 * recorded with the revocation. Only the operator states REV-4 grounds; a reseller's
 * `operatorGround` is dropped.
 * @rule REV-3
 */
export function withRevocationGround<T extends { reason: string; operatorGround?: string | null }>(
  actor: RevocationActor,
  input: T & { resellerGround?: ResellerRevocationGround | null },
): T {
  if (actor === "OPERATOR") return input;
  if (actor === "SUBSCRIBER") return { ...input, operatorGround: null };
  // REV-1 first: a reason the reseller may not use at all is refused as such, ground or not.
  if (!checkRevocationReason(actor, input.reason).ok) return { ...input, operatorGround: null };
  const ground = input.resellerGround;
  if (!ground) {
    throw refusal(
      RefusalCode.RESELLER_GROUND_REQUIRED,
      "A managing reseller revokes on its own account only when its contract with the subscriber ends or for other " +
        "unavoidable cause: give resellerGround (REV-3).",
      "input.resellerGround",
      "指定事業者による失効の申請には、契約者との契約終了またはやむを得ない事由の別を指定してください。",
    );
  }
  return { ...input, operatorGround: TEXT[ground] };
}
