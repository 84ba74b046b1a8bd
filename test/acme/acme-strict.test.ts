import { generateKeyPairSync, sign } from "node:crypto";
import https from "node:https";
import { AcmeWorld, newAccount, startAcmeWorld } from "../support/acme-harness";

/**
 * ACME-8: the protocol checks a library client never trips (it is correct), shown with hand-made
 * requests: content type, the exact url, nonce reuse, algorithms, unprotected headers, other accounts.
 */
let w: AcmeWorld;
let base: string;

beforeAll(async () => {
  w = await startAcmeWorld({ httpNames: [] });
  base = w.directoryUrl.replace(/\/directory$/, "");
  await w.register(["strict.akashi-demo.jp"]);
});
afterAll(() => w.close());

function call(
  method: string,
  url: string,
  body?: unknown,
  contentType = "application/jose+json",
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method, ca: w.rootPem, headers: body === undefined ? {} : { "Content-Type": contentType } },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? JSON.parse(text) : null }),
        );
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const key = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const jwk = key.publicKey.export({ format: "jwk" });
const b64 = (x: unknown) => Buffer.from(typeof x === "string" ? x : JSON.stringify(x)).toString("base64url");

function jws(
  header: Record<string, unknown>,
  payload: unknown,
): { protected: string; payload: string; signature: string } {
  const p = b64(header);
  const body = payload === "" ? "" : b64(payload);
  const signature = sign("sha256", Buffer.from(`${p}.${body}`), {
    key: key.privateKey,
    dsaEncoding: "ieee-p1363",
  }).toString("base64url");
  return { protected: p, payload: body, signature };
}

async function nonce(): Promise<string> {
  return String((await call("HEAD", `${base}/new-nonce`)).headers["replay-nonce"]);
}

test("ACME-8: directory lists renewalInfo and requires External Account Binding; HEAD newNonce gives a nonce, no caching", async () => {
  const dir = await call("GET", w.directoryUrl);
  expect(dir.json).toMatchObject({
    newNonce: `${base}/new-nonce`,
    renewalInfo: `${base}/renewal-info`,
    meta: { externalAccountRequired: true, caaIdentities: ["ca.akashi-demo.jp"] },
  });
  const n = await call("HEAD", `${base}/new-nonce`);
  expect(n.status).toBe(200);
  expect(n.headers["cache-control"]).toBe("no-store");
  expect((await call("GET", `${base}/new-nonce`)).status).toBe(204);
});

test("ACME-8: a POST without application/jose+json is refused with 415", async () => {
  const r = await call(
    "POST",
    `${base}/new-account`,
    jws({ alg: "ES256", jwk, nonce: await nonce(), url: `${base}/new-account` }, {}),
    "application/json",
  );
  expect(r.status).toBe(415);
  expect(r.headers["content-type"]).toContain("application/problem+json");
  expect(r.json.type).toBe("urn:ietf:params:acme:error:malformed");
});

test("ACME-8: the url header must be exactly the request URL (unauthorized)", async () => {
  const r = await call(
    "POST",
    `${base}/new-account`,
    jws({ alg: "ES256", jwk, nonce: await nonce(), url: `${base}/new-account/` }, { termsOfServiceAgreed: true }),
  );
  expect(r.json.type).toBe("urn:ietf:params:acme:error:unauthorized");
});

test("ACME-8: a nonce is used once (badNonce on reuse, with a fresh Replay-Nonce to retry with)", async () => {
  const n = await nonce();
  const body = { termsOfServiceAgreed: true, onlyReturnExisting: true };
  const first = await call(
    "POST",
    `${base}/new-account`,
    jws({ alg: "ES256", jwk, nonce: n, url: `${base}/new-account` }, body),
  );
  expect(first.json.type).toBe("urn:ietf:params:acme:error:accountDoesNotExist");
  const again = await call(
    "POST",
    `${base}/new-account`,
    jws({ alg: "ES256", jwk, nonce: n, url: `${base}/new-account` }, body),
  );
  expect(again.json.type).toBe("urn:ietf:params:acme:error:badNonce");
  expect(again.headers["replay-nonce"]).toMatch(/^[A-Za-z0-9_-]+$/);
  const forged = await call(
    "POST",
    `${base}/new-account`,
    jws({ alg: "ES256", jwk, nonce: "AAAA" + n.slice(4), url: `${base}/new-account` }, body),
  );
  expect(forged.json.type).toBe("urn:ietf:params:acme:error:badNonce");
});

test("ACME-8: alg none, HS256 or a mismatched algorithm is badSignatureAlgorithm with the accepted list; unprotected headers are malformed", async () => {
  const none = jws({ alg: "none", jwk, nonce: await nonce(), url: `${base}/new-account` }, {});
  const r = await call("POST", `${base}/new-account`, none);
  expect(r.json).toMatchObject({
    type: "urn:ietf:params:acme:error:badSignatureAlgorithm",
    algorithms: ["RS256", "ES256", "ES384", "EdDSA"],
  });
  const rs = await call(
    "POST",
    `${base}/new-account`,
    jws({ alg: "RS256", jwk, nonce: await nonce(), url: `${base}/new-account` }, {}),
  );
  expect(rs.json.type).toBe("urn:ietf:params:acme:error:badSignatureAlgorithm");
  const withHeader = {
    ...jws({ alg: "ES256", jwk, nonce: await nonce(), url: `${base}/new-account` }, {}),
    header: { kid: "x" },
  };
  expect((await call("POST", `${base}/new-account`, withHeader)).json.type).toBe(
    "urn:ietf:params:acme:error:malformed",
  );
});

test("ACME-8: another account's order is unauthorized; an unknown kid is accountDoesNotExist", async () => {
  const owner = await newAccount(w);
  const order = await owner.createOrder({ identifiers: [{ type: "dns", value: "strict.akashi-demo.jp" }] });
  const other = await newAccount(w);
  await expect(other.getOrder(order)).rejects.toThrow();
  expect(w.lastProblem()?.data.type).toBe("urn:ietf:params:acme:error:unauthorized");
  const kid = `${base}/acct/00000000-0000-4000-8000-000000000000`;
  const r = await call(
    "POST",
    `${base}/new-order`,
    jws({ alg: "ES256", kid, nonce: await nonce(), url: `${base}/new-order` }, { identifiers: [] }),
  );
  expect(r.json.type).toBe("urn:ietf:params:acme:error:accountDoesNotExist");
});
