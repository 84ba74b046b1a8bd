import "reflect-metadata";
import { lookup as dnsLookup } from "node:dns";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import * as acme from "acme-client";
import { type Figure, type IssuanceContext, benchChain, makeCsrs } from "./issuance";
import { percentile, pool } from "./load";
import { Row, table } from "./report";
import { type BenchApp, DcvWebServer, createReseller, scratchDatabase, startBenchApp } from "./setup";

/**
 * ACME-4..8: orders completed per second, from newOrder to the downloaded certificate chain, through the
 * npm `acme-client` library against the in-process server: one dns-01 challenge per order answered by the
 * loopback DNS server (each order names a fresh usage FQDN, so no authorisation is reused), the CAA
 * look-up, finalisation and download; four accounts in parallel. Printed next to the GraphQL issuance
 * rate of the same run. `node dist/test/bench/acme.js` runs this section alone (BENCH_ACME_N orders).
 */

const CONCURRENCY = 4;

/** acme-client talks to PUBLIC_BASE_URL (akashi.test:<port>); this agent sends akashi.test to loopback. */
function loopbackAgent(): http.Agent {
  const lookup = ((host: string, opts: object, cb: (...a: unknown[]) => void) =>
    host === "akashi.test"
      ? cb(null, (opts as { all?: boolean }).all ? [{ address: "127.0.0.1", family: 4 }] : "127.0.0.1", 4)
      : dnsLookup(host, opts, cb as never)) as never;
  return new http.Agent({ keepAlive: true, maxSockets: 16, lookup });
}

async function enableAcme(app: BenchApp, resellerKey: string, resellerId: string): Promise<void> {
  await app.client.gql(resellerKey, `mutation { applyForAcme(input: { note: "bench" }) { userErrors { code } } }`);
  const gid = Buffer.from(`Reseller:${resellerId}`).toString("base64url");
  await app.client.gql(
    app.operatorKey,
    `mutation($r: ID!) { enableAcme(input: { resellerId: $r }) { userErrors { code } } }`,
    { r: gid },
  );
}

async function accounts(app: BenchApp, ctx: IssuanceContext, n: number): Promise<acme.Client[]> {
  return pool(n, n, async () => {
    const eab = await app.client.gql(
      ctx.resellerKey,
      `mutation($s: ID!) { createAcmeEabCredential(input: { subscriberId: $s }) { eabCredential { keyId } hmacKey } }`,
      { s: ctx.subscriberId },
    );
    const c = eab.createAcmeEabCredential;
    const client = new acme.Client({
      directoryUrl: `${app.publicOrigin}/acme/directory`,
      accountKey: await acme.crypto.createPrivateEcdsaKey("P-256"),
      externalAccountBinding: { kid: c.eabCredential.keyId, hmacKey: c.hmacKey },
      backoffAttempts: 50,
      backoffMin: 5,
      backoffMax: 50,
    });
    await client.createAccount({ termsOfServiceAgreed: true });
    return client;
  });
}

async function oneOrder(app: BenchApp, client: acme.Client, name: string, csr: string): Promise<void> {
  const order = await client.createOrder({ identifiers: [{ type: "dns", value: name }] });
  const [authz] = await client.getAuthorizations(order);
  const ch = authz.challenges.find((c) => c.type === "dns-01");
  if (!ch) throw new Error("no dns-01 challenge");
  app.dns.set(`_acme-challenge.${name}`, [await client.getChallengeKeyAuthorization(ch)]);
  const done = (await client.completeChallenge(ch)) as unknown as { status: string };
  if (done.status !== "valid") await client.waitForValidStatus(ch);
  const finalized = await client.finalizeOrder(order, csr);
  const pem = await client.getCertificate(finalized);
  if (acme.crypto.splitPemChain(pem).length !== 2) throw new Error("the chain is not leaf + issuing CA");
}

/** The ACME section: registers `n` usage FQDNs, then completes as many orders as it can in `maxSeconds`. */
async function benchAcme(
  app: BenchApp,
  ctx: IssuanceContext,
  resellerId: string,
  n: number,
  maxSeconds: number,
): Promise<{ figure: Figure; problems: string[] }> {
  await enableAcme(app, ctx.resellerKey, resellerId);
  acme.axios.defaults.httpAgent = loopbackAgent();
  const names = Array.from({ length: n }, (_, i) => `o${i}.acme.bench.akashi-demo.jp`);
  for (let i = 0; i < names.length; i += 100) {
    const r = await app.client.gql(
      ctx.resellerKey,
      `mutation($s: ID!, $n: [String!]!) { registerUsageFqdns(input: { subscriberId: $s, names: $n }) { userErrors { code message } } }`,
      { s: ctx.subscriberId, n: names.slice(i, i + 100) },
    );
    if (r.registerUsageFqdns.userErrors.length) throw new Error(JSON.stringify(r.registerUsageFqdns.userErrors));
  }
  const csrs = await pool(
    n,
    4,
    async (i) =>
      (await acme.crypto.createCsr({ commonName: names[i] }, await acme.crypto.createPrivateEcdsaKey("P-256")))[1],
  );
  const clients = await accounts(app, ctx, CONCURRENCY);
  const latencies: number[] = [];
  const problems: string[] = [];
  let completed = 0;
  const started = performance.now();
  await pool(
    n,
    CONCURRENCY,
    async (i) => {
      const t0 = performance.now();
      try {
        await oneOrder(app, clients[i % CONCURRENCY], names[i], csrs[i].toString());
        completed++;
      } catch (e) {
        problems.push(`${names[i]}: ${(e as Error).message.slice(0, 300)}`);
      }
      latencies.push(performance.now() - t0);
      return i;
    },
    Date.now() + maxSeconds * 1000,
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    figure: {
      label: `ACME order → certificate (acme-client, dns-01, c=${CONCURRENCY})`,
      requests: latencies.length,
      seconds,
      perSecond: completed / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      failures: problems.length,
      note: "newOrder, authz, challenge (+ DNS TXT and CAA look-ups), finalize, order, certificate: 6+ signed requests per certificate",
    },
    problems,
  };
}

const figureRow = (f: Figure, ratio?: number): Row => ({
  scenario: f.label,
  requests: f.requests,
  seconds: f.seconds,
  perSecond: f.perSecond,
  p50Ms: f.p50Ms,
  p99Ms: f.p99Ms,
  non2xx: f.failures,
  ...(ratio === undefined ? { ratioLabel: "—" } : { ratio, ratioLabel: "of GraphQL chain" }),
});

/** The one call run.ts makes: measure and print the ACME rate next to the GraphQL issuance rates of the same run. */
export async function acmeSection(
  app: BenchApp,
  ctx: IssuanceContext,
  resellerId: string,
  graphql: Figure[],
  n: number,
  maxSeconds: number,
  log: (s: string) => void,
): Promise<{ acme: Figure; problems: string[] }> {
  const r = await benchAcme(app, ctx, resellerId, n, maxSeconds);
  const chain = graphql.find((f) => f.label.includes("chain")) ?? graphql[0];
  log(
    table(
      "ACME (issue 12): certificates per second from new order to certificate; ratio = ACME rate ÷ GraphQL chain rate",
      [...graphql.map((f) => figureRow(f)), figureRow(r.figure, r.figure.perSecond / chain.perSecond)],
      "ratio",
    ),
  );
  return { acme: r.figure, problems: r.problems };
}

/** `node dist/test/bench/acme.js`: this section alone, with a small GraphQL chain for comparison. */
async function main(): Promise<number> {
  const n = Number(process.env.BENCH_ACME_N ?? 200);
  const seconds = Number(process.env.BENCH_SECONDS ?? 20);
  const log = (s: string) => process.stdout.write(`${s}\n`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "akashi-bench-acme-"));
  const db = await scratchDatabase(log);
  const dcv = new DcvWebServer();
  await dcv.start();
  const chainNames = Array.from({ length: Math.max(8, Math.round(n / 4)) }, (_, i) => `c${i}.bench.akashi-demo.jp`);
  const app = await startBenchApp(db, path.join(work, "data"), dcv.overrides(chainNames));
  try {
    log(`ACME benchmark — node ${process.version}, ${os.cpus().length} CPU(s), database: ${db.description}`);
    const reseller = await createReseller(app.services, "bench");
    const products = await app.client.gql(null, `{ products(first: 100) { edges { node { id code } } } }`);
    const productId = products.products.edges.find((e: { node: { code: string } }) => e.node.code === "DV")?.node
      .id as string;
    const sub = await app.client.gql(
      reseller.key,
      `mutation($input: CreateSubscriberInput!) { createSubscriber(input: $input) { subscriber { id } } }`,
      {
        input: {
          kind: "ORGANIZATION",
          name: "株式会社ベンチショップ",
          country: "JP",
          stateOrProvince: "Tokyo",
          locality: "Chiyoda-ku",
          contacts: [],
        },
      },
    );
    const ctx: IssuanceContext = {
      client: app.client,
      origin: app.origin,
      dcv,
      operatorKey: app.operatorKey,
      resellerKey: reseller.key,
      subscriberId: sub.createSubscriber.subscriber.id,
      productId,
      servicePids: app.pids,
    };
    const chain = await benchChain(ctx, chainNames, await makeCsrs(chainNames), seconds);
    const r = await acmeSection(app, ctx, reseller.id, [chain.figure], n, seconds, log);
    const problems = [...chain.problems, ...r.problems];
    if (problems.length) process.stderr.write(`FAILED:\n${problems.slice(0, 10).join("\n")}\n`);
    return problems.length ? 1 : 0;
  } finally {
    await app.close();
    await dcv.close();
    await db.drop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
