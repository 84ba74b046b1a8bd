import { registerEnumType } from "type-graphql";
import { RefusalCode, refusal } from "../refusal";

/** APP-7 [J 8(2), S 3]: the prohibited conduct an application can be refused for. */
export enum ProhibitedConduct {
  /** J 8(2)ア 公序良俗に反する行為 */
  PUBLIC_ORDER = "PUBLIC_ORDER",
  /** J 8(2)イ 犯罪行為 */
  CRIME = "CRIME",
  /** J 8(2)ウ 著作権等、知的財産権その他の権利の侵害 */
  IP_INFRINGEMENT = "IP_INFRINGEMENT",
  /** J 8(2)エ 他人の財産、プライバシー等の侵害 */
  PRIVACY_OR_PROPERTY_INFRINGEMENT = "PRIVACY_OR_PROPERTY_INFRINGEMENT",
  /** J 8(2)オ 名誉毀損・誹謗中傷 */
  DEFAMATION = "DEFAMATION",
  /** J 8(2)カ 無差別な勧誘・案内メールの送信 */
  SPAM = "SPAM",
  /** J 8(2)キ その他法令に違反する行為 */
  OTHER_ILLEGAL = "OTHER_ILLEGAL",
  /** J 8(2)ク 当社の運営を妨げ、信頼を毀損する行為 */
  OBSTRUCTING_OPERATOR = "OBSTRUCTING_OPERATOR",
  /** S 3 反社会的勢力 */
  ANTI_SOCIAL_FORCES = "ANTI_SOCIAL_FORCES",
}
registerEnumType(ProhibitedConduct, {
  name: "ProhibitedConduct",
  description:
    "APP-7 [J 8(2), S 3]: public order, crime, infringement of IP or of property and privacy, defamation, spam, " +
    "other illegal acts, obstructing the operator, anti-social forces.",
});

/**
 * APP-7: a refusal for prohibited conduct names the conduct, recorded with the decision; the
 * conduct is named only with that ground. Returns what to store with the application.
 * @rule APP-7
 */
export function prohibitedConductFor(
  ground: string,
  conduct: readonly ProhibitedConduct[] | null | undefined,
): ProhibitedConduct[] | null {
  const named = [...new Set(conduct ?? [])];
  if (ground === "PROHIBITED_CONDUCT") {
    if (named.length === 0) {
      throw refusal(
        RefusalCode.PROHIBITED_CONDUCT_REQUIRED,
        "A refusal for prohibited conduct names the conduct (APP-7).",
        "input.prohibitedConduct",
        "禁止行為による拒絶では、該当する行為を指定してください。",
      );
    }
    return named;
  }
  if (named.length > 0)
    throw refusal(
      RefusalCode.INVALID_INPUT,
      "Prohibited conduct is named only with the PROHIBITED_CONDUCT ground.",
      "input.prohibitedConduct",
    );
  return null;
}
