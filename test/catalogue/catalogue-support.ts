import { gqlOk } from "../support/lifecycle";
import { TestApp } from "../support/test-app";

/** `name(input: $input) { <selection> userErrors { code field message } }` with the given key; returns the payload. */
export async function call(
  t: TestApp,
  key: string,
  name: string,
  inputType: string,
  input: Record<string, unknown>,
  selection: string,
): Promise<any> {
  const data = await gqlOk(
    t,
    key,
    `mutation($input: ${inputType}!) { ${name}(input: $input) { ${selection} userErrors { code field message } } }`,
    { input },
  );
  return data[name];
}

/** The uuid behind a global ID. */
export const uuidOf = (globalId: string) => Buffer.from(globalId, "base64url").toString("utf8").split(":")[1];

/** Audit entries of one action (optionally about one entity), oldest first. */
export async function audits(
  t: TestApp,
  action: string,
  entityId?: string,
): Promise<{ reason: string | null; before: any; after: any }[]> {
  const rows = await t.ds.query(
    `SELECT reason, before, after FROM audit_event WHERE action = $1 AND ($2::text IS NULL OR entity_id = $2) ` +
      `ORDER BY id`,
    [action, entityId ?? null],
  );
  return rows;
}

/** Event types in a reseller's feed, oldest first. */
export async function eventTypes(t: TestApp, key: string): Promise<string[]> {
  const d = await gqlOk(t, key, `{ events(first: 100) { edges { node { type } } } }`);
  return d.events.edges.map((e: any) => e.node.type);
}

export const DV_TRIAL = {
  code: "DV_TRIAL",
  nameJa: "ドメイン認証型 お試し",
  nameEn: "Domain validated, trial",
  validationLevel: "DV",
  issuanceMode: "BUILT_IN_CA",
  termMonths: [12, 24],
};

export const CREATE_PRODUCT = "product { id code nameJa nameEn termMonths liabilityBasis discontinuedAt }";
