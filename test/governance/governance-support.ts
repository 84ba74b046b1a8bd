import { TestApp } from "../support/test-app";
import { gqlOk } from "../support/lifecycle";

const DAY = 24 * 60 * 60 * 1000;
export const plusDays = (d: Date, days: number) => new Date(d.getTime() + days * DAY);

/** The uuid behind a global ID, for looking rows up in the database. */
export const uuid = (globalId: string) => Buffer.from(globalId, "base64url").toString("utf8").split(":")[1];

/** Runs an operator (or any) mutation `name(input: $input)` and returns its payload. */
export async function mutation(
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

/** Whether a key is accepted at all (any authenticated query). */
export async function keyWorks(t: TestApp, key: string): Promise<boolean> {
  const res = await t.gql(key, `{ apiKeys { id } }`);
  if (res.errors?.[0]?.extensions?.code === "UNAUTHENTICATED") return false;
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return true;
}

export async function resellerStatus(t: TestApp, globalId: string): Promise<string> {
  const d = await gqlOk(t, t.operatorKey, `query($id: ID!) { reseller(id: $id) { status } }`, { id: globalId });
  return d.reseller.status;
}
