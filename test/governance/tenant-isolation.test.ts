import { IntrospectionInputTypeRef, IntrospectionQuery, IntrospectionType, IntrospectionTypeRef } from "graphql";
import {
  DcvWebServer,
  createSubscriber,
  csrFor,
  gqlOk,
  issueCertificate,
  productIds,
  submitApplication,
} from "../support/lifecycle";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";
import { toGlobalId } from "../../api/src/ids";
import { mutation, plusDays, uuid as uuidOf } from "./governance-support";

/**
 * RES-3 tenant isolation matrix: every Query and Mutation field that takes an ID (directly or inside
 * its input) is read from introspection and called with reseller B's key and reseller A's IDs. Each
 * must be refused (top-level FORBIDDEN, or a NOT_FOUND/FORBIDDEN user error) or answer null/empty.
 * New fields are covered automatically; a field whose input the walker cannot build fails the test.
 */
const NAMES = ["iso-a.akashi-demo.jp", "iso-a2.akashi-demo.jp", "iso-b.akashi-demo.jp"];
const START = new Date("2026-11-21T03:00:00Z");
const dir = new TempDir();
const dcv = new DcvWebServer();
let t: TestApp;
let schema: IntrospectionQuery["__schema"];
let productId: string;
let caId: string;
let bKey: string;
/** A's objects by GraphQL type name. */
const A: Record<string, string> = {};

/** The standard introspection query nests deeper than the API's depth limit; this is all the walker needs. */
const TYPE_REF = "kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";
const INTROSPECTION = `{ __schema { queryType { name } mutationType { name } types { kind name
  fields { name type { ${TYPE_REF} } args { name type { ${TYPE_REF} } } }
  inputFields { name type { ${TYPE_REF} } } enumValues { name } } } }`;

/** Fields that are public by design: anyone may look them up by ID. */
const PUBLIC_BY_DESIGN: Record<string, string> = {
  "Query.seal": "SEAL-1: a site seal and its verification are public",
  "Query.seals": "SEAL-1: a site seal and its verification are public",
};

/** Argument/field name → the type of A's object to pass. Shared, non-tenant IDs are marked. */
const ID_BY_NAME: Record<string, string> = {
  subscriberId: "Subscriber",
  contractId: "Contract",
  certificateId: "Certificate",
  applicationId: "Application",
  resellerId: "Reseller",
  successorResellerId: "Reseller",
  revocationId: "Revocation",
  cureNoticeId: "ResellerCureNotice",
  suspensionId: "ResellerSuspension",
  problemReportId: "ProblemReport",
  webhookEndpointId: "WebhookEndpoint",
  deliveryId: "WebhookDelivery",
  entityId: "Contract",
  productId: "<product>",
  issuingCaId: "<ca>",
  usageFqdnId: "UsageFqdn",
  eabCredentialId: "AcmeEabCredential",
  changeId: "SubscriberChange",
  disputeId: "NameDispute",
  predecessorSubscriberId: "Subscriber",
  successorSubscriberId: "Subscriber",
  contractIds: "Contract",
};

function named(ref: IntrospectionTypeRef | IntrospectionInputTypeRef): {
  name: string;
  kind: string;
  nonNull: boolean;
  list: boolean;
} {
  let r: any = ref;
  const nonNull = r.kind === "NON_NULL";
  let list = false;
  while (r.ofType) {
    if (r.kind === "LIST") list = true;
    r = r.ofType;
  }
  return { name: r.name, kind: r.kind, nonNull, list };
}

const typeByName = (name: string): IntrospectionType => schema.types.find((x) => x.name === name)!;

function idFor(owner: string, name: string): string {
  const target =
    ID_BY_NAME[name] ??
    (name === "id"
      ? ["ApiKey", "Subscriber", "WebhookEndpoint", "Application", "Contract", "Certificate"].find((ty) =>
          owner.includes(ty),
        )
      : undefined);
  if (!target) throw new Error(`tenant-isolation walker: no ID mapping for ${owner}.${name} — add it to ID_BY_NAME`);
  if (target === "<product>") return productId;
  if (target === "<ca>") return caId;
  const id = A[target];
  if (!id) throw new Error(`tenant-isolation walker: reseller A has no ${target} for ${owner}.${name}`);
  return id;
}

function hasIds(ref: IntrospectionInputTypeRef, seen = new Set<string>()): boolean {
  const n = named(ref);
  if (n.name === "ID") return true;
  if (n.kind !== "INPUT_OBJECT" || seen.has(n.name)) return false;
  seen.add(n.name);
  return (typeByName(n.name) as any).inputFields.some((f: any) => hasIds(f.type, seen));
}

/** A plausible value for a scalar or enum input, by name where the format matters. */
function scalarFor(owner: string, name: string, typeName: string, kind: string): unknown {
  if (kind === "ENUM") return (typeByName(typeName) as any).enumValues[0].name;
  switch (typeName) {
    case "ID":
      return idFor(owner, name);
    case "Int":
      return name === "termMonths" ? 12 : name === "overlapHours" ? 1 : 1;
    case "Float":
      return 1;
    case "Boolean":
      return name === "registrantDataUse" || name === "dataSubjects" || name === "onBehalfOfSubscriber";
    case "DateTimeISO":
      return (
        name === "from" ? plusDays(START, -30) : name === "to" ? plusDays(START, 30) : plusDays(START, 40)
      ).toISOString();
    case "String": {
      if (name === "csr" || name === "proofCsr") return csrFor(dir, [NAMES[2]]);
      if (name === "termsVersion") return "2026-04";
      if (/email/i.test(name)) return "iso@akashi-demo.jp";
      if (name === "url") return "https://hooks.akashi-demo.jp/akashi";
      if (name === "month") return "2026-11";
      if (name === "country") return "JP";
      if (name === "mediaType") return "application/pdf";
      if (name === "filename") return "probe.pdf";
      if (name === "contentBase64") return Buffer.from("%PDF-1.4\n%probe\n").toString("base64");
      return "tenant isolation probe";
    }
  }
  throw new Error(`tenant-isolation walker: cannot fill ${owner}.${name} of scalar type ${typeName}`);
}

function valueFor(owner: string, name: string, ref: IntrospectionInputTypeRef): unknown {
  const n = named(ref);
  const one = (): unknown => {
    if (n.kind === "INPUT_OBJECT") {
      const obj: Record<string, unknown> = {};
      for (const f of (typeByName(n.name) as any).inputFields) {
        // Required fields always; optional ones only when they carry an ID (so A's IDs reach the service).
        if (named(f.type).nonNull || hasIds(f.type)) obj[f.name] = valueFor(n.name, f.name, f.type);
      }
      return obj;
    }
    return scalarFor(owner, name, n.name, n.kind);
  };
  return n.list ? [one()] : one();
}

function selectionFor(ref: IntrospectionTypeRef): string {
  const n = named(ref);
  if (n.kind === "SCALAR" || n.kind === "ENUM") return "";
  const ty = typeByName(n.name) as any;
  const fields: string[] = (ty.fields ?? []).map((f: any) => f.name);
  if (fields.includes("userErrors")) return "{ __typename userErrors { code } }";
  if (fields.includes("edges")) {
    // The nodes' own IDs and, where they point at other objects (audit entries), those IDs too.
    const edge = typeByName(named(ty.fields.find((f: any) => f.name === "edges").type).name) as any;
    const nodeFields: string[] =
      typeByName(named(edge.fields.find((f: any) => f.name === "node").type).name).kind === "OBJECT"
        ? (typeByName(named(edge.fields.find((f: any) => f.name === "node").type).name) as any).fields.map(
            (f: any) => f.name,
          )
        : [];
    return `{ edges { node { __typename ${["id", "entityId"].filter((f) => nodeFields.includes(f)).join(" ")} } } }`;
  }
  if (fields.includes("id")) return "{ __typename id }";
  return "{ __typename }";
}

const gqlType = (ref: any): string =>
  ref.kind === "NON_NULL" ? `${gqlType(ref.ofType)}!` : ref.kind === "LIST" ? `[${gqlType(ref.ofType)}]` : ref.name;

/** Whether the answer is a refusal or contains nothing. Returns the reason it is not, or null. */
function leak(res: { data: any; errors?: any[] }, field: string): string | null {
  if (res.errors?.length) {
    const codes = res.errors.map((e) => e.extensions?.code);
    return codes.every((c) => c === "FORBIDDEN") ? null : `top-level errors ${JSON.stringify(res.errors)}`;
  }
  const v = res.data?.[field];
  const empty = (x: any): boolean =>
    x === null ||
    (Array.isArray(x) && x.every(empty)) ||
    (x &&
      Array.isArray(x.edges) &&
      x.edges.every((e: any) => !Object.values(A).includes(e.node.id) && !Object.values(A).includes(e.node.entityId)));
  if (empty(v)) return null;
  if (v && Array.isArray(v.userErrors)) {
    return v.userErrors.length > 0 && v.userErrors.every((u: any) => /(^|_)NOT_FOUND$|^FORBIDDEN$/.test(u.code))
      ? null
      : `userErrors ${JSON.stringify(v.userErrors)}`;
  }
  return `answer ${JSON.stringify(v)}`;
}

beforeAll(async () => {
  await dcv.start();
  t = await startTestApp({
    now: START,
    env: { AKASHI_DCV_HOST_OVERRIDES: dcv.overrides(NAMES), AKASHI_WEBHOOK_ALLOW_INSECURE: "true" },
  });
  productId = (await productIds(t)).DV;
  caId = (await t.ds.query(`SELECT id FROM certificate_authority WHERE kind = 'ISSUING' LIMIT 1`))[0].id;
  const a = await t.createReseller("iso-a");
  const b = await t.createReseller("iso-b");
  bKey = b.key;
  A.Reseller = a.globalId;
  const hook = await mutation(
    t,
    a.key,
    "createWebhookEndpoint",
    "CreateWebhookEndpointInput",
    { url: "http://127.0.0.1:9/hook", eventTypes: ["CERTIFICATE_ISSUED"] },
    "webhookEndpoint { id }",
  );
  A.WebhookEndpoint = hook.webhookEndpoint.id;
  A.Subscriber = await createSubscriber(t, a.key);
  const issued = await issueCertificate(t, dcv, dir, a.key, A.Subscriber, productId, [NAMES[0]]);
  A.Contract = issued.contract.id;
  A.Certificate = issued.certificate.id;
  A.Application = (
    await submitApplication(t, a.key, {
      subscriberId: A.Subscriber,
      productId,
      termMonths: 12,
      names: [NAMES[1]],
      csr: csrFor(dir, [NAMES[1]]),
    })
  ).application.id;
  const scheduled = await mutation(
    t,
    a.key,
    "requestRevocation",
    "RequestRevocationInput",
    { certificateId: A.Certificate, reason: "CESSATION_OF_OPERATION", onBehalfOfSubscriber: true, atEndOfMonth: true },
    "revocation { id }",
  );
  A.Revocation = scheduled.revocation.id;
  A.ApiKey = (await gqlOk(t, a.key, `{ apiKeys { id } }`)).apiKeys[0].id;
  A.WebhookDelivery = (await gqlOk(t, a.key, `{ webhookDeliveries { edges { node { id } } } }`)).webhookDeliveries
    .edges[0]?.node.id;
  const seal = await gqlOk(t, a.key, `mutation($c: ID!) { createSeal(input: { contractId: $c }) { seal { id } } }`, {
    c: A.Contract,
  });
  A.Seal = seal.createSeal.seal.id;
  await gqlOk(
    t,
    null,
    `mutation($s: String!) { reportProblem(input: { serialNumber: $s, description: "private key may have leaked here" }) { userErrors { code } } }`,
    { s: issued.certificate.serialNumber },
  );
  A.ProblemReport = toGlobalId("ProblemReport", (await t.ds.query(`SELECT id FROM problem_report LIMIT 1`))[0].id);
  A.ResellerCureNotice = (
    await mutation(
      t,
      t.operatorKey,
      "issueCureNotice",
      "IssueCureNoticeInput",
      {
        resellerId: a.globalId,
        ground: "NO_RESPONSE",
        detail: "応答なし",
        deadline: plusDays(START, 30).toISOString(),
      },
      "cureNotice { id }",
    )
  ).cureNotice.id;
  A.ResellerAcmeApplication = (
    await mutation(t, a.key, "applyForAcme", "ApplyForAcmeInput", { note: "x" }, "acmeApplication { id }")
  ).acmeApplication.id;
  // The ACME variant (ACME-1..3): both resellers broker it, so B's refusals come from isolation, not from ACME-1.
  await mutation(t, t.operatorKey, "enableAcme", "ResellerIdInput", { resellerId: a.globalId }, "reseller { id }");
  await mutation(t, b.key, "applyForAcme", "ApplyForAcmeInput", { note: "x" }, "acmeApplication { id }");
  await mutation(t, t.operatorKey, "enableAcme", "ResellerIdInput", { resellerId: b.globalId }, "reseller { id }");
  A.UsageFqdn = (
    await mutation(
      t,
      a.key,
      "registerUsageFqdns",
      "RegisterUsageFqdnsInput",
      { subscriberId: A.Subscriber, names: ["iso-acme.akashi-demo.jp"] },
      "usageFqdns { id }",
    )
  ).usageFqdns[0].id;
  A.AcmeEabCredential = (
    await mutation(
      t,
      a.key,
      "createAcmeEabCredential",
      "CreateAcmeEabCredentialInput",
      { subscriberId: A.Subscriber },
      "eabCredential { id }",
    )
  ).eabCredential.id;
  const bound = (
    await mutation(
      t,
      a.key,
      "createAcmeEabCredential",
      "CreateAcmeEabCredentialInput",
      { subscriberId: A.Subscriber },
      "eabCredential { id }",
    )
  ).eabCredential.id;
  const [account] = await t.ds.query(
    `INSERT INTO acme_account (reseller_id, subscriber_id, eab_credential_id, jwk, jwk_thumbprint, status, terms_agreed_at, created_at) VALUES ($1, $2, $3, '{}', 'iso-thumbprint', 'valid', now(), now()) RETURNING id`,
    [a.id, uuidOf(A.Subscriber), uuidOf(bound)],
  );
  A.AcmeAccount = toGlobalId("AcmeAccount", account.id);
  const [order] = await t.ds.query(
    `INSERT INTO acme_order (account_id, reseller_id, subscriber_id, names, status, expires_at, created_at, updated_at) VALUES ($1, $2, $3, '{iso-acme.akashi-demo.jp}', 'pending', now(), now(), now()) RETURNING id`,
    [account.id, a.id, uuidOf(A.Subscriber)],
  );
  A.AcmeOrder = toGlobalId("AcmeOrder", order.id);
  const charge = await gqlOk(t, a.key, `{ charges { edges { node { id } } } }`);
  A.Charge = charge.charges.edges[0].node.id;
  const notice = await gqlOk(t, a.key, `{ notices { edges { node { id } } } }`);
  A.Notice = notice.notices.edges[0]?.node.id;
  // The operator's catalogue and ledger work on A's records: a payment, a pending subscriber change, a succession, a dispute.
  A.Payment = (
    await mutation(
      t,
      t.operatorKey,
      "recordPayment",
      "RecordPaymentInput",
      {
        resellerId: a.globalId,
        month: "2026-11",
        amountYen: 1,
        receivedOn: "2026-11-21",
        method: "BANK_TRANSFER",
        reference: "iso",
      },
      "payment { id }",
    )
  ).payment.id;
  A.SubscriberChange = (
    await mutation(
      t,
      a.key,
      "updateSubscriber",
      "UpdateSubscriberInput",
      { id: A.Subscriber, name: "株式会社アイソ" },
      "subscriber { pendingChange { id } }",
    )
  ).subscriber.pendingChange.id;
  const merged = await createSubscriber(t, a.key, { name: "株式会社合併元" });
  A.SubscriberSuccession = (
    await mutation(
      t,
      t.operatorKey,
      "recordSuccession",
      "RecordSuccessionInput",
      {
        predecessorSubscriberId: merged,
        successorSubscriberId: A.Subscriber,
        kind: "MERGER",
        succeededOn: "2026-11-01",
        notifiedOn: "2026-11-20",
      },
      "succession { id }",
    )
  ).succession.id;
  A.NameDispute = (
    await mutation(
      t,
      t.operatorKey,
      "openNameDispute",
      "OpenNameDisputeInput",
      { certificateId: A.Certificate, claimant: "iso", description: "isolation fixture", refuseApplications: false },
      "dispute { id }",
    )
  ).dispute.id;
  // Last, as it ends A's keys: a suspension (and an ID for it).
  const susp = await mutation(
    t,
    t.operatorKey,
    "suspendImmediately",
    "SuspendImmediatelyInput",
    { resellerId: a.globalId, reason: "isolation fixture" },
    "suspension { id }",
  );
  A.ResellerSuspension = susp.suspension.id;
  await mutation(
    t,
    t.operatorKey,
    "liftSuspension",
    "LiftSuspensionInput",
    { suspensionId: A.ResellerSuspension, reason: "fixture" },
    "suspension { id }",
  );
  for (const [k, v] of Object.entries(A)) if (!v) throw new Error(`fixture: reseller A has no ${k}`);
  schema = (await gqlOk(t, bKey, INTROSPECTION)).__schema;
});

afterAll(async () => {
  await t.close();
  await dcv.close();
  dir.remove();
});

test("RES-3: every reseller-facing query and mutation refuses or hides another reseller's IDs (tenant isolation matrix)", async () => {
  const failures: string[] = [];
  const probed: string[] = [];
  for (const rootName of [schema.queryType.name, schema.mutationType!.name]) {
    const root = typeByName(rootName) as any;
    for (const field of root.fields) {
      const key = `${rootName}.${field.name}`;
      if (!field.args.some((a: any) => hasIds(a.type))) continue;
      if (PUBLIC_BY_DESIGN[key]) continue;
      // `id`/`ids` arguments of queries take any object: try each of A's objects.
      const anyId = field.args.find((a: any) => named(a.type).name === "ID" && (a.name === "id" || a.name === "ids"));
      const candidates = anyId ? Object.values(A) : [null];
      for (const candidate of candidates) {
        let variables: Record<string, unknown>;
        try {
          variables = {};
          for (const arg of field.args) {
            if (arg === anyId) variables[arg.name] = named(arg.type).list ? [candidate] : candidate;
            else if (named(arg.type).nonNull || hasIds(arg.type))
              variables[arg.name] = valueFor(key, arg.name, arg.type);
          }
        } catch (e) {
          failures.push(`${key}: ${(e as Error).message}`);
          break;
        }
        const used = field.args.filter((a: any) => a.name in variables);
        const decl = used.length ? `(${used.map((a: any) => `$${a.name}: ${gqlType(a.type)}`).join(", ")})` : "";
        const call = used.length ? `(${used.map((a: any) => `${a.name}: $${a.name}`).join(", ")})` : "";
        const op = `${rootName === schema.queryType.name ? "query" : "mutation"} Probe${decl} { ${field.name}${call} ${selectionFor(field.type)} }`;
        const res = await t.gql(bKey, op, variables);
        if (res.status >= 500) failures.push(`${key}: HTTP ${res.status}`);
        const why = leak(res, field.name);
        if (why) failures.push(`${key}(${JSON.stringify(variables).slice(0, 200)}): ${why}`);
        probed.push(key);
      }
    }
  }
  expect(failures).toEqual([]);
  // The matrix really walked the governance fields and the older ones alike.
  for (const f of [
    "Query.node",
    "Query.activityReport",
    "Query.handoverExport",
    "Mutation.submitRenewal",
    "Mutation.requestRevocation",
    "Mutation.rotateApiKey",
    "Mutation.suspendReseller",
    "Mutation.takeOverContracts",
    "Mutation.updateSubscriber",
    "Query.payments",
    "Mutation.recordPayment",
    "Mutation.revokeForUnpaidFee",
    "Mutation.confirmSubscriberChange",
    "Mutation.recordSuccession",
    "Mutation.openNameDispute",
    "Mutation.revokeForDispute",
    "Mutation.updateProduct",
    "Mutation.discontinueProduct",
  ]) {
    expect(probed).toContain(f);
  }
});

test("RES-11: after termination the terminated reseller's keys fail and it sees nothing", async () => {
  const r = await t.createReseller("iso-terminated");
  const sub = await createSubscriber(t, r.key);
  const done = await mutation(
    t,
    t.operatorKey,
    "terminateReseller",
    "TerminateResellerInput",
    { resellerId: r.globalId, handoverDeadline: plusDays(START, 10).toISOString(), reason: "終了" },
    "reseller { status }",
  );
  expect(done).toEqual({ reseller: { status: "TERMINATED" }, userErrors: [] });
  for (const q of [`{ subscribers { edges { node { id } } } }`, `query($id: ID!) { node(id: $id) { id } }`]) {
    const res = await t.gql(r.key, q, { id: sub });
    expect(res.status).toBe(401);
    expect(res.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  }
});
