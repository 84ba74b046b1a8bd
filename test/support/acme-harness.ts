import http from "node:http";
import https from "node:https";
import { AddressInfo } from "node:net";
import * as acme from "acme-client";
import { selfIssued } from "../../api/src/http/tls";
import { systemClock } from "../../api/src/domain/clock";
import { toPem } from "../../api/src/pki";
import { createSubscriber, gqlOk } from "./lifecycle";
import { TestApp, startTestApp } from "./test-app";

/**
 * The ACME acceptance tests' world: Akashi over HTTPS (AKASHI_TLS=self style: a certificate for
 * `localhost` from its own CA, trusted through /ca/root.pem), a loopback web server answering http-01
 * for the names given (AKASHI_DCV_HOST_OVERRIDES), the test DNS server for dns-01 and CAA, and a
 * reseller with ACME enabled (RES-12) and one subscriber. Clients are the npm `acme-client` library.
 */
interface RecordedResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  data: any;
}

export interface AcmeWorld {
  t: TestApp;
  /** Every ACME response acme-client received, newest last (problem types and headers are checked on these). */
  responses: RecordedResponse[];
  /** The newest recorded problem document of the given type, if any. */
  lastProblem(): RecordedResponse | undefined;
  directoryUrl: string;
  rootPem: string;
  web: ChallengeWebServer;
  reseller: { id: string; globalId: string; key: string };
  subscriberId: string;
  /** An EAB credential of the subscriber (key id and HMAC key), made through GraphQL. */
  eab(subscriberId?: string): Promise<{ kid: string; hmacKey: string; id: string }>;
  register(names: string[], subscriberId?: string): Promise<string[]>;
  /** An acme-client Client with a fresh account key; `eab` null sends none. */
  client(eab: { kid: string; hmacKey: string } | null, accountKey?: Buffer): Promise<acme.Client>;
  close(): Promise<void>;
}

/** Serves `/.well-known/acme-challenge/<token>` with the key authorisations set for it (any Host). */
class ChallengeWebServer {
  readonly answers = new Map<string, string>();
  readonly requests: string[] = [];
  private server = http.createServer((req, res) => {
    this.requests.push(`${req.headers.host} ${req.url}`);
    const m = /^\/\.well-known\/acme-challenge\/([A-Za-z0-9_-]+)$/.exec(req.url ?? "");
    const body = m ? this.answers.get(m[1]) : undefined;
    if (body === undefined) res.writeHead(404).end("not found");
    else res.writeHead(200, { "Content-Type": "text/plain" }).end(body);
  });
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  overrides(names: string[]): string {
    return names.map((n) => `${n}=127.0.0.1:${this.port}`).join(",");
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export async function startAcmeWorld(options: {
  httpNames: string[];
  now?: Date;
  env?: Record<string, string>;
}): Promise<AcmeWorld> {
  const web = new ChallengeWebServer();
  await web.start();
  const server = https.createServer({});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const t = await startTestApp({
    now: options.now,
    env: {
      PUBLIC_BASE_URL: `https://localhost:${port}`,
      AKASHI_DCV_HOST_OVERRIDES: web.overrides(options.httpNames),
      AKASHI_CAA_ISSUER_DOMAINS: "ca.akashi-demo.jp",
      ...options.env,
    },
  });
  server.setSecureContext(await selfIssued(t.services.ca, systemClock, "localhost"));
  server.on("request", t.app);
  const rootPem = toPem((await t.services.ca.root()).certDer, "CERTIFICATE");
  acme.axios.defaults.httpsAgent = new https.Agent({ ca: rootPem, keepAlive: false });
  const responses: RecordedResponse[] = [];
  const record = (r: {
    config?: { url?: string };
    status: number;
    headers: Record<string, unknown>;
    data: unknown;
  }) => {
    responses.push({
      url: r.config?.url ?? "",
      status: r.status,
      headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), String(v)])),
      data: r.data,
    });
  };
  acme.axios.interceptors.response.use(
    (r) => (record(r as never), r),
    (e: { response?: unknown }) => {
      if (e.response) record(e.response as never);
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- axios's own rejection, passed on unchanged
      return Promise.reject(e);
    },
  );
  const reseller = await t.createReseller(`acme-${port}`);
  await gqlOk(t, reseller.key, `mutation { applyForAcme(input: { note: "ACME" }) { userErrors { code } } }`);
  await gqlOk(t, t.operatorKey, `mutation($r: ID!) { enableAcme(input: { resellerId: $r }) { userErrors { code } } }`, {
    r: reseller.globalId,
  });
  const subscriberId = await createSubscriber(t, reseller.key);
  const directoryUrl = `https://localhost:${port}/acme/directory`;
  return {
    t,
    directoryUrl,
    rootPem,
    web,
    reseller,
    subscriberId,
    responses,
    lastProblem: () =>
      [...responses]
        .reverse()
        .find((r) => String(r.headers["content-type"] ?? "").startsWith("application/problem+json")),
    async eab(sid = subscriberId) {
      const d = await gqlOk(
        t,
        reseller.key,
        `mutation($s: ID!) { createAcmeEabCredential(input: { subscriberId: $s }) { eabCredential { id keyId } hmacKey userErrors { code message } } }`,
        { s: sid },
      );
      const p = d.createAcmeEabCredential;
      if (p.userErrors.length) throw new Error(JSON.stringify(p.userErrors));
      return { kid: p.eabCredential.keyId, hmacKey: p.hmacKey, id: p.eabCredential.id };
    },
    async register(names, sid = subscriberId) {
      const d = await gqlOk(
        t,
        reseller.key,
        `mutation($s: ID!, $n: [String!]!) { registerUsageFqdns(input: { subscriberId: $s, names: $n }) { usageFqdns { id } userErrors { code message } } }`,
        { s: sid, n: names },
      );
      if (d.registerUsageFqdns.userErrors.length) throw new Error(JSON.stringify(d.registerUsageFqdns.userErrors));
      return d.registerUsageFqdns.usageFqdns.map((u: { id: string }) => u.id);
    },
    async client(eab, accountKey) {
      const key = accountKey ?? (await acme.crypto.createPrivateEcdsaKey("P-256"));
      return new acme.Client({
        directoryUrl,
        accountKey: key,
        backoffAttempts: 30,
        backoffMin: 20,
        backoffMax: 200,
        ...(eab ? { externalAccountBinding: { kid: eab.kid, hmacKey: eab.hmacKey } } : {}),
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await web.close();
      await t.close();
    },
  };
}

/** An account-bound client for the subscriber (EAB made on the spot). */
export async function newAccount(w: AcmeWorld, accountKey?: Buffer): Promise<acme.Client> {
  const client = await w.client(await w.eab(), accountKey);
  await client.createAccount({ termsOfServiceAgreed: true, contact: ["mailto:admin@shop.akashi-demo.jp"] });
  return client;
}

/** Answers every pending authorisation of an order by `type`, then finalises it with a fresh key. */
export async function obtain(
  w: AcmeWorld,
  client: acme.Client,
  names: string[],
  type: "http-01" | "dns-01" = "http-01",
  extra: Record<string, unknown> = {},
) {
  const order = await client.createOrder({ identifiers: names.map((value) => ({ type: "dns", value })), ...extra });
  await answer(w, client, order, type);
  const [key, csr] = await acme.crypto.createCsr(
    { commonName: names[0], altNames: names },
    await acme.crypto.createPrivateEcdsaKey("P-256"),
  );
  const finalized = await client.finalizeOrder(order, csr);
  const pem = await client.getCertificate(finalized);
  return { order: finalized, pem, key };
}

async function answer(w: AcmeWorld, client: acme.Client, order: acme.Order, type: "http-01" | "dns-01"): Promise<void> {
  for (const authz of await client.getAuthorizations(order)) {
    if (authz.status === "valid") continue;
    const ch = authz.challenges.find((c) => c.type === type);
    if (!ch) throw new Error(`no ${type} challenge for ${authz.identifier.value}`);
    const ka = await client.getChallengeKeyAuthorization(ch);
    if (type === "http-01") w.web.answers.set(ch.token, ka);
    else w.t.dns.set(`_acme-challenge.${authz.identifier.value}`, [ka]);
    await client.completeChallenge(ch);
    await client.waitForValidStatus(ch);
  }
}
