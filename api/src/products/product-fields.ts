import { RefusalCode, refusal } from "../refusal";
import { IssuanceMode, LiabilityBasis, ValidationLevel } from "./product.entity";

/** What defines a product (VAL-1); level, issuance mode and auto-renew are fixed at creation. */
export interface ProductFields {
  code: string;
  nameJa: string;
  nameEn: string;
  validationLevel: ValidationLevel | null;
  issuanceMode: IssuanceMode;
  wildcardAllowed: boolean;
  autoRenew: boolean;
  termMonths: number[];
  unlimitedTerm: boolean;
  maxNames: number;
  organizationsOnly: boolean;
  japanBaseRequired: boolean;
  liabilityBasis: LiabilityBasis;
}

const bad = (message: string, field: string) => refusal(RefusalCode.INVALID_INPUT, message, `input.${field}`);

function name(value: string, field: string): string {
  const v = value.trim();
  if (v.length === 0 || v.length > 200) throw bad(`${field} must be 1-200 characters.`, field);
  return v;
}

/**
 * VAL-1: a product's fields, checked as a whole (the same rules as the database's constraints, so a
 * refusal names the field instead of failing on a constraint). Returns them normalised.
 * @rule VAL-1
 */
export function checkProductFields(f: ProductFields): ProductFields {
  if (!/^[A-Z0-9_]{1,50}$/.test(f.code))
    throw bad("code must be 1-50 upper-case letters, digits or underscores.", "code");
  const builtIn = f.issuanceMode === IssuanceMode.BUILT_IN_CA;
  if (builtIn !== (f.validationLevel !== null)) {
    throw bad(
      "Products issued by the CA have a validation level; bring-your-own management has none.",
      "validationLevel",
    );
  }
  if (f.autoRenew && !builtIn) throw bad("Bring-your-own management cannot be auto-renew.", "autoRenew");
  if (f.unlimitedTerm && builtIn)
    throw bad("Only bring-your-own management offers an unlimited term.", "unlimitedTerm");
  const terms = [...new Set(f.termMonths)].sort((a, b) => a - b);
  if (terms.length === 0 || terms.some((m) => !Number.isInteger(m) || m < 1 || m > 120)) {
    throw bad("termMonths needs at least one term of 1-120 whole months.", "termMonths");
  }
  if (!Number.isInteger(f.maxNames) || f.maxNames < 1 || f.maxNames > 100)
    throw bad("maxNames must be 1-100.", "maxNames");
  // CON-9 [J 19 proviso]: auto-renew products count the fees received in the last 12 months.
  if (f.autoRenew !== (f.liabilityBasis === LiabilityBasis.RECEIVED_LAST_12_MONTHS)) {
    throw bad("Auto-renew products, and only they, use RECEIVED_LAST_12_MONTHS (CON-9).", "liabilityBasis");
  }
  if (f.liabilityBasis === LiabilityBasis.PRORATED_REMAINING_MONTHS && f.unlimitedTerm) {
    throw bad("An unlimited term has no months remaining to pro-rate over (CON-9).", "liabilityBasis");
  }
  return { ...f, nameJa: name(f.nameJa, "nameJa"), nameEn: name(f.nameEn, "nameEn"), termMonths: terms };
}

/** Whether two products' defining fields are the same (an identical create is a no-op). */
export function sameProductFields(a: ProductFields, b: ProductFields): boolean {
  return (Object.keys(a) as (keyof ProductFields)[]).every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

export function productFieldsOf(p: ProductFields): ProductFields {
  return {
    code: p.code,
    nameJa: p.nameJa,
    nameEn: p.nameEn,
    validationLevel: p.validationLevel,
    issuanceMode: p.issuanceMode,
    wildcardAllowed: p.wildcardAllowed,
    autoRenew: p.autoRenew,
    termMonths: [...p.termMonths],
    unlimitedTerm: p.unlimitedTerm,
    maxNames: p.maxNames,
    organizationsOnly: p.organizationsOnly,
    japanBaseRequired: p.japanBaseRequired,
    liabilityBasis: p.liabilityBasis,
  };
}
