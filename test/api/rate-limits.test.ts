import request from "supertest";
import { TestApp, startTestApp } from "../support/test-app";

/**
 * Rate limits on anonymous GraphQL and public POSTs (issue "what visitors see and operators run"): per
 * client address, per process, with RateLimit-* headers on every answer and Retry-After when refused.
 */
jest.setTimeout(120_000);

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ env: { AKASHI_RATE_LIMIT_PER_MINUTE: "3", AKASHI_OCSP_RATE_LIMIT_PER_MINUTE: "2" } });
});

afterAll(async () => {
  await t?.close();
});

const products = () =>
  request(t.app).get(`/graphql?query=${encodeURIComponent("{ products(first: 1) { edges { node { code } } } }")}`);

test("anonymous GraphQL: the limit's headers on every answer; over it, 429 RATE_LIMITED with Retry-After, and nothing executed", async () => {
  const answers = [];
  for (let i = 0; i < 4; i++) answers.push(await products());
  expect(answers.slice(0, 3).map((a) => a.status)).toEqual([200, 200, 200]);
  expect(answers.map((a) => a.headers["ratelimit-limit"])).toEqual(["3", "3", "3", "3"]);
  expect(answers.map((a) => a.headers["ratelimit-remaining"])).toEqual(["2", "1", "0", "0"]);
  expect(answers[0].headers["ratelimit-policy"]).toBe("3;w=60");
  const refused = answers[3];
  expect(refused.status).toBe(429);
  expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  expect(refused.body.errors[0].extensions.code).toBe("RATE_LIMITED");
  expect(refused.body.data).toBeUndefined();
});

test("a caller with an API key is not limited by the anonymous limit", async () => {
  for (let i = 0; i < 5; i++) {
    const res = await request(t.app)
      .post("/graphql")
      .set("Authorization", `Bearer ${t.operatorKey}`)
      .send({ query: "{ viewer { kind } }" });
    expect(res.status).toBe(200);
    expect(res.headers["ratelimit-limit"]).toBeUndefined();
  }
});

test("public POSTs: the report form and OCSP POST are limited too (OCSP answers tryLater)", async () => {
  const report = await request(t.app)
    .post("/verify/AAAAAAAAAAAAAAAAAAAAAAAA/report")
    .type("form")
    .send({ description: "x" });
  expect(report.status).toBe(429); // the anonymous budget of this address is spent by the first test
  expect(report.headers["retry-after"]).toBeDefined();
  const ocsp = () =>
    request(t.app)
      .post("/ocsp")
      .set("Content-Type", "application/ocsp-request")
      .send(Buffer.from("3000", "hex"))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => done(null, Buffer.concat(chunks)));
      });
  expect((await ocsp()).status).toBe(200);
  expect((await ocsp()).status).toBe(200);
  const third = await ocsp();
  expect(third.status).toBe(429);
  // OCSPResponse { responseStatus tryLater(3) }
  expect((third.body as Buffer).toString("hex")).toBe("30030a0103");
});

test("README's caching claims: anonymous products and status answers are public and cacheable; keyed ones never public; errors never cached", async () => {
  const fresh = await startTestApp();
  try {
    const get = (q: string, key?: string) => {
      const r = request(fresh.app).get(`/graphql?query=${encodeURIComponent(q)}`);
      return key ? r.set("Authorization", `Bearer ${key}`) : r;
    };
    expect(
      (
        await get(
          "{ products(first: 5) { edges { node { code prices { termMonths priceYen } } } pageInfo { hasNextPage } } }",
        )
      ).headers["cache-control"],
    ).toBe("max-age=300, public");
    expect((await get(`{ certificateStatus(serialNumber: "01") { status } }`)).headers["cache-control"]).toBe(
      "max-age=30, public",
    );
    // The least lifetime wins when a document asks for both.
    expect(
      (await get(`{ products(first: 1) { edges { node { code } } } certificateStatus(serialNumber: "01") { status } }`))
        .headers["cache-control"],
    ).toBe("max-age=30, public");
    expect(
      (await get("{ products(first: 1) { edges { node { code } } } }", fresh.operatorKey)).headers["cache-control"],
    ).toBe("max-age=300, private");
    expect((await get(`{ certificateStatus(serialNumber: "zz") { status } }`)).headers["cache-control"]).toBe(
      "no-store",
    );
    expect((await get("{ announcements(first: 1) { edges { node { id } } } }")).headers["cache-control"]).toBe(
      "no-store",
    );
  } finally {
    await fresh.close();
  }
});
