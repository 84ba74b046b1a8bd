import { DcvWebServer } from "./dcv-web-server";
import { TestApp } from "./test-app";

export { DcvWebServer };
import { TempDir, makeCsr } from "./openssl";

/** What a reseller sends with every application (APP-1). */
export const CONSENTS = { termsVersion: "2026-04", registrantDataUse: true, dataSubjects: true };

/** Runs a GraphQL operation and fails the test on any top-level error. */
export async function gqlOk(
  t: TestApp,
  key: string | null,
  query: string,
  variables?: Record<string, unknown>,
): Promise<any> {
  const res = await t.gql(key, query, variables);
  if (res.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

export async function productIds(t: TestApp): Promise<Record<string, string>> {
  const data = await gqlOk(t, null, `{ products(first: 100) { edges { node { id code } } } }`);
  return Object.fromEntries(data.products.edges.map((e: any) => [e.node.code, e.node.id]));
}

export async function createSubscriber(
  t: TestApp,
  key: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const data = await gqlOk(
    t,
    key,
    `mutation($input: CreateSubscriberInput!) { createSubscriber(input: $input) { subscriber { id } userErrors { code message } } }`,
    {
      input: {
        kind: "ORGANIZATION",
        name: "株式会社テストショップ",
        country: "JP",
        stateOrProvince: "Tokyo",
        locality: "Chiyoda-ku",
        contacts: [],
        ...overrides,
      },
    },
  );
  if (data.createSubscriber.userErrors.length) throw new Error(JSON.stringify(data.createSubscriber.userErrors));
  return data.createSubscriber.subscriber.id;
}

export function csrFor(dir: TempDir, names: string[], key: "ec-p256" | `rsa:${number}` = "ec-p256"): string {
  return makeCsr(dir, `csr-${names[0].replace(/\*/g, "star")}-${Math.random().toString(36).slice(2)}`, {
    key,
    subj: `/CN=${names[0]}`,
    san: names,
  }).csrPem;
}

export const APPLICATION_FIELDS = `id kind status names termMonths carryOverMonths documentsDueAt refusalCode
  domainValidations { name method token status httpUrl dnsRecordName }
  certificate { id serialNumber sha256Fingerprint pem chainPem notBefore notAfter names subjectName issuerName status }
  contract { id startsAt endsAt carryOverMonths servicePeriodEndsAt status }`;

export async function submitApplication(
  t: TestApp,
  key: string,
  input: Record<string, unknown>,
): Promise<{ application: any; userErrors: any[] }> {
  const data = await gqlOk(
    t,
    key,
    `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { application { ${APPLICATION_FIELDS} } userErrors { code field message } } }`,
    { input: { consents: CONSENTS, ...input } },
  );
  return data.submitApplication;
}

/** Operator side: take for review, then approve (after the reseller proved domain control). */
export async function reviewAndApprove(
  t: TestApp,
  dcv: DcvWebServer,
  resellerKey: string,
  application: any,
): Promise<any> {
  await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { startReview(input: { applicationId: $id }) { userErrors { code } } }`,
    { id: application.id },
  );
  dcv.publish(application.domainValidations);
  const checked = await gqlOk(
    t,
    resellerKey,
    `mutation($id: ID!) { checkDomainControl(input: { applicationId: $id }) { domainValidations { name status } userErrors { code message } } }`,
    { id: application.id },
  );
  if (checked.checkDomainControl.userErrors.length)
    throw new Error(JSON.stringify(checked.checkDomainControl.userErrors));
  const approved = await gqlOk(
    t,
    t.operatorKey,
    `mutation($id: ID!) { approveApplication(input: { applicationId: $id }) { application { ${APPLICATION_FIELDS} } userErrors { code field message } } }`,
    { id: application.id },
  );
  if (approved.approveApplication.userErrors.length)
    throw new Error(JSON.stringify(approved.approveApplication.userErrors));
  return approved.approveApplication.application;
}

/** A certificate issued end to end (submit → review → DCV → approve) for `names`; returns the application with its certificate. */
export async function issueCertificate(
  t: TestApp,
  dcv: DcvWebServer,
  dir: TempDir,
  resellerKey: string,
  subscriberId: string,
  productId: string,
  names: string[],
  termMonths = 12,
): Promise<any> {
  const submitted = await submitApplication(t, resellerKey, {
    subscriberId,
    productId,
    termMonths,
    names,
    csr: csrFor(dir, names),
  });
  if (submitted.userErrors.length) throw new Error(JSON.stringify(submitted.userErrors));
  return reviewAndApprove(t, dcv, resellerKey, submitted.application);
}
