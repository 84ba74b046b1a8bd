import { X509Certificate, generateKeyPairSync } from "node:crypto";
import {
  createCaHierarchy,
  createKeyAndCsr,
  issueServerCertificate,
  loadSigner,
  newSerialHex,
} from "../../api/src/pki";
import { maxLifetimeDays } from "../../api/src/domain/lifetime";
import { HttpClient, percentile, pool, runLoad, type LoadResult } from "./load";
import type { DcvWebServer } from "./setup";
import { cpuPerUnit, cpuSnapshot, type CpuPerUnit } from "./cpu-account";

/** Issue 3: certificates per second through GraphQL over HTTP, and the signer alone. */

const CONSENTS = { termsVersion: "2026-04", registrantDataUse: true, dataSubjects: true };

export interface IssuanceContext {
  client: HttpClient;
  origin: string;
  dcv: DcvWebServer;
  operatorKey: string;
  resellerKey: string;
  subscriberId: string;
  productId: string;
  /** The service's processes (primary and workers), for the CPU each certificate costs (cpu-account.ts). */
  servicePids: readonly number[];
}

export interface Figure {
  label: string;
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  note?: string;
  /** CPU per certificate across the service, PostgreSQL and the bench (Linux). */
  cpu?: CpuPerUnit | null;
}

const SUBMIT = `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { application { id status domainValidations { name method token status } } userErrors { code field message } } }`;
const START_REVIEW = `mutation($id: ID!) { startReview(input: { applicationId: $id }) { application { status } userErrors { code message } } }`;
const CHECK_DCV = `mutation($id: ID!) { checkDomainControl(input: { applicationId: $id }) { domainValidations { name status } userErrors { code message } } }`;
/** What an operator's console would ask for on approval. */
const APPROVE = `mutation($id: ID!) { approveApplication(input: { applicationId: $id }) { application { id status } certificate { serialNumber notAfter status } userErrors { code message } } }`;

/** Key pairs and CSRs are the subscriber's work, made before any timing starts. */
export async function makeCsrs(names: string[]): Promise<string[]> {
  return pool(names.length, 4, async (i) => (await createKeyAndCsr([names[i]])).csrPem);
}

export async function submit(
  ctx: IssuanceContext,
  name: string,
  csr: string,
): Promise<{ id: string; domainValidations: { name: string; method: string; token: string }[] }> {
  const data = await ctx.client.gql(ctx.resellerKey, SUBMIT, {
    input: {
      subscriberId: ctx.subscriberId,
      productId: ctx.productId,
      termMonths: 12,
      names: [name],
      csr,
      consents: CONSENTS,
    },
  });
  if (data.submitApplication.userErrors.length)
    throw new Error(`submitApplication ${name}: ${JSON.stringify(data.submitApplication.userErrors)}`);
  return data.submitApplication.application;
}

export async function reviewAndValidate(
  ctx: IssuanceContext,
  app: { id: string; domainValidations: { name: string; method: string; token: string }[] },
): Promise<void> {
  const reviewed = await ctx.client.gql(ctx.operatorKey, START_REVIEW, { id: app.id });
  if (reviewed.startReview.userErrors.length)
    throw new Error(`startReview: ${JSON.stringify(reviewed.startReview.userErrors)}`);
  ctx.dcv.publish(app.domainValidations);
  const checked = await ctx.client.gql(ctx.resellerKey, CHECK_DCV, { id: app.id });
  if (
    checked.checkDomainControl.userErrors.length ||
    checked.checkDomainControl.domainValidations.some((v: { status: string }) => v.status !== "VALID")
  ) {
    throw new Error(`checkDomainControl: ${JSON.stringify(checked.checkDomainControl)}`);
  }
}

async function approve(ctx: IssuanceContext, id: string): Promise<{ serialNumber: string; notAfter: string }> {
  const data = await ctx.client.gql(ctx.operatorKey, APPROVE, { id });
  const p = data.approveApplication;
  if (p.userErrors.length || p.application?.status !== "ISSUED" || !p.certificate?.serialNumber)
    throw new Error(`approveApplication: ${JSON.stringify(p)}`);
  return p.certificate;
}

/** Set-up for (a): `names.length` applications submitted, under review, with domain control validated. */
export async function prepareApprovable(ctx: IssuanceContext, names: string[], csrs: string[]): Promise<string[]> {
  return pool(names.length, 4, async (i) => {
    const app = await submit(ctx, names[i], csrs[i]);
    await reviewAndValidate(ctx, app);
    return app.id;
  });
}

/**
 * (a1) approveApplication over HTTP at `concurrency` connections, driven from the load worker; every
 * response is checked. With concurrency = ids.length it is the burst of issue 10: every approval at once.
 */
export async function benchApprovals(
  ctx: IssuanceContext,
  ids: string[],
  maxSeconds: number,
  concurrency: number,
): Promise<{ figure: Figure; load: LoadResult; serials: string[]; problems: string[] }> {
  const bodies = ids.map((id) => new Uint8Array(Buffer.from(JSON.stringify({ query: APPROVE, variables: { id } }))));
  const cpuBefore = cpuSnapshot(ctx.servicePids);
  const load = await runLoad({
    label: "approveApplication",
    origin: ctx.origin,
    method: "POST",
    paths: ["/graphql"],
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${ctx.operatorKey}` },
    bodies,
    concurrency,
    maxRequests: ids.length,
    maxSeconds,
    sample: { first: ids.length, every: 1 },
    quickCheck: { kind: "contains", text: `"status":"ISSUED"` },
  });
  const cpu = cpuPerUnit(cpuBefore, cpuSnapshot(ctx.servicePids), load.requests);
  const problems: string[] = [];
  const serials: string[] = [];
  for (const s of load.samples) {
    try {
      const json = JSON.parse(Buffer.from(s.body).toString("utf8"));
      const p = json.data?.approveApplication;
      if (
        json.errors ||
        p?.userErrors?.length ||
        p?.application?.status !== "ISSUED" ||
        p?.certificate?.status !== "VALID"
      )
        problems.push(`#${s.index}: ${JSON.stringify(json).slice(0, 300)}`);
      else serials.push(p.certificate.serialNumber);
    } catch (e) {
      problems.push(`#${s.index}: unparseable (${(e as Error).message})`);
    }
  }
  if (new Set(serials).size !== serials.length) problems.push("duplicate serial numbers among approvals");
  const failures = load.non2xx + load.errors + problems.length;
  return {
    figure: {
      label: `approveApplication (GraphQL, c=${concurrency})`,
      requests: load.requests,
      seconds: load.seconds,
      perSecond: load.rps,
      p50Ms: load.p50Ms,
      p99Ms: load.p99Ms,
      failures,
      cpu,
    },
    load,
    serials,
    problems,
  };
}

/** (a2) The whole chain per certificate: submit → startReview → checkDomainControl → approve, 4 certificates at a time. */
export async function benchChain(
  ctx: IssuanceContext,
  names: string[],
  csrs: string[],
  maxSeconds: number,
): Promise<{ figure: Figure; serials: string[]; problems: string[] }> {
  const latencies: number[] = [];
  const serials: string[] = [];
  const problems: string[] = [];
  const cpuBefore = cpuSnapshot(ctx.servicePids);
  const started = performance.now();
  await pool(
    names.length,
    4,
    async (i) => {
      const t0 = performance.now();
      try {
        const app = await submit(ctx, names[i], csrs[i]);
        await reviewAndValidate(ctx, app);
        serials.push((await approve(ctx, app.id)).serialNumber);
      } catch (e) {
        problems.push(`${names[i]}: ${(e as Error).message.slice(0, 300)}`);
      }
      latencies.push(performance.now() - t0);
      return i;
    },
    Date.now() + maxSeconds * 1000,
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuPerUnit(cpuBefore, cpuSnapshot(ctx.servicePids), serials.length);
  return {
    figure: {
      label: "submit+review+DCV+approve chain (GraphQL, c=4)",
      requests: latencies.length,
      seconds,
      perSecond: serials.length / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      failures: problems.length,
      note: "4 GraphQL requests + 1 DCV fetch per certificate; per-certificate latency",
      cpu,
    },
    serials,
    problems,
  };
}

/** (b) issueServerCertificate alone: P-256 issuing CA, pre-made subject keys, at the given concurrency. */
export async function benchSigner(
  concurrency: number,
  maxRequests: number,
  maxSeconds: number,
): Promise<{ figure: Figure; problems: string[] }> {
  const passphrase = "bench signer";
  const now = new Date();
  const { issuing } = await createCaHierarchy({
    keyAlgorithm: "ECDSA_P256",
    passphrase,
    now,
    rootSubject: { commonName: "Bench Root CA", organization: "Akashi", country: "JP" },
    issuingSubject: { commonName: "Bench Issuing CA", organization: "Akashi", country: "JP" },
  });
  const signer = loadSigner(issuing.encryptedKeyPem, passphrase);
  const spkis = Array.from({ length: 32 }, () =>
    generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({ type: "spki", format: "der" }),
  );
  const issuerX509 = new X509Certificate(issuing.certDer);
  // VAL-7: the longest lifetime the table allows at `now` (the pre-signing linter refuses more).
  const notAfter = new Date(now.getTime() + (maxLifetimeDays(now) - 1) * 86400_000);
  const problems: string[] = [];
  const latencies: number[] = [];
  const issue = async (i: number) => {
    const name = `leaf${i}.signer.akashi-demo.jp`;
    const t0 = performance.now();
    const cert = await issueServerCertificate({
      issuer: { certDer: issuing.certDer, signer },
      subjectPublicKeySpki: spkis[i % spkis.length],
      serialHex: newSerialHex(),
      names: [name],
      subject: {
        commonName: name,
        organization: "株式会社テストショップ",
        country: "JP",
        stateOrProvince: "Tokyo",
        locality: "Chiyoda-ku",
      },
      validationLevel: "OV",
      notBefore: now,
      notAfter,
      urls: {
        crlUrl: "http://akashi.test/crl/x.crl",
        ocspUrl: "http://akashi.test/ocsp",
        caIssuersUrl: "http://akashi.test/ca/x.der",
      },
    });
    latencies.push(performance.now() - t0);
    if (i < 5 || i % 500 === 0) {
      const x = new X509Certificate(cert.der);
      if (!x.verify(issuerX509.publicKey) || !x.checkIssued(issuerX509) || x.subjectAltName !== `DNS:${name}`)
        problems.push(`leaf #${i} does not verify against the issuing CA`);
    }
    return i;
  };
  for (let i = 0; i < 20; i++) await issue(1_000_000 + i); // warm-up (JIT, key import)
  latencies.length = 0;
  const started = performance.now();
  const done = await pool(maxRequests, concurrency, issue, Date.now() + maxSeconds * 1000);
  const seconds = (performance.now() - started) / 1000;
  return {
    figure: {
      label: `issueServerCertificate (signer alone, c=${concurrency})`,
      requests: done.length,
      seconds,
      perSecond: done.length / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      failures: problems.length,
    },
    problems,
  };
}
