import { EntityManager } from "typeorm";
import { findWhere } from "../db/find-where";
import { formatJst } from "../domain";
import { RefusalCode, refusal } from "../refusal";
import { TermsVersion } from "./terms-version.entity";

/**
 * NOT-5: the version of the terms in force at `at` — the latest whose effective date has come.
 * @rule NOT-5
 */
export async function termsVersionInForce(tx: EntityManager, at: Date): Promise<TermsVersion | null> {
  const [inForce] = await findWhere(
    tx,
    TermsVersion,
    `WHERE effective_from <= $1 ORDER BY effective_from DESC, published_at DESC LIMIT 1`,
    [at],
  );
  return inForce ?? null;
}

/** The path where a version's document is served (the route is http/terms-routes.ts). */
export function termsDocumentPath(version: string): string {
  return `/terms/${encodeURIComponent(version)}`;
}

/**
 * APP-1, NOT-5: an application agrees to the version of the terms in force when it is submitted.
 * Anything else — an unknown version, one not yet in force, one already superseded — is refused,
 * and the refusal names the version to agree to and where to read it.
 */
export async function requireTermsInForce(tx: EntityManager, version: string, at: Date): Promise<TermsVersion> {
  const inForce = await termsVersionInForce(tx, at);
  if (inForce && inForce.version === version) return inForce;
  const field = "input.consents.termsVersion";
  if (!inForce)
    throw refusal(
      RefusalCode.TERMS_VERSION_UNKNOWN,
      "No version of the terms is in force yet.",
      field,
      "有効な利用条件がまだありません。",
    );
  const path = termsDocumentPath(inForce.version);
  const since = formatJst(inForce.effectiveFrom);
  throw refusal(
    RefusalCode.TERMS_VERSION_UNKNOWN,
    `Terms version "${version}" is not the version in force; agree to "${inForce.version}" (in force since ` +
      `${since}, text at ${path}).`,
    field,
    `利用条件「${version}」は現在有効な版ではありません。有効な版は「${inForce.version}」です（${since}から適用、本文: ${path}）。`,
  );
}
