import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import { AddressInfo } from "node:net";
import { loadConfig } from "../../api/src/config";
import { serverFor, tlsCredentials } from "../../api/src/http/tls";
import { toPem } from "../../api/src/pki";
import { TempDir } from "../support/openssl";
import { TestApp, startTestApp } from "../support/test-app";

const dir = new TempDir();
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ env: { PUBLIC_BASE_URL: "https://akashi.localhost:8443", AKASHI_TLS: "self" } });
});
afterAll(async () => {
  await t.close();
  dir.remove();
});

const base = { DATABASE_URL: "postgres://x@localhost/x", PUBLIC_BASE_URL: "https://acme.akashi-demo.jp" };

test("HTTPS: AKASHI_TLS=self serves a certificate for PUBLIC_BASE_URL's host from Akashi's own CA, trusted through /ca/root.pem", async () => {
  const creds = await tlsCredentials(t.services.config, t.services.ca, t.clock);
  expect(creds).not.toBeNull();
  const leaf = new X509Certificate((creds?.cert ?? "").split(/(?=-----BEGIN CERTIFICATE-----)/)[0]);
  expect(leaf.subjectAltName).toBe("DNS:akashi.localhost");
  const server = serverFor(t.app, creds);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const rootPem = toPem((await t.services.ca.root()).certDer, "CERTIFICATE");
    const status = await new Promise<number>((resolve, reject) => {
      https
        .get(
          {
            host: "127.0.0.1",
            port,
            path: "/acme/directory",
            servername: "akashi.localhost",
            ca: rootPem,
            checkServerIdentity: () => undefined,
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        )
        .on("error", reject);
    });
    expect(status).toBe(200);
  } finally {
    server.close();
  }
});

test("HTTPS: AKASHI_TLS_CERT/AKASHI_TLS_KEY are read as PEM files and must come together", async () => {
  const cert = dir.file("cert.pem", "cert");
  const key = dir.file("key.pem", "key");
  const config = loadConfig({ ...base, AKASHI_TLS_CERT: cert, AKASHI_TLS_KEY: key }, []);
  expect(config.acme.tls).toEqual({ mode: "files", certFile: cert, keyFile: key });
  expect(await tlsCredentials(config, t.services.ca, t.clock)).toEqual({
    cert: fs.readFileSync(cert, "utf8"),
    key: "key",
  });
  expect(() => loadConfig({ ...base, AKASHI_TLS_CERT: cert }, [])).toThrow(/AKASHI_TLS_KEY/);
  expect(() => loadConfig({ ...base, AKASHI_TLS: "maybe" }, [])).toThrow(/AKASHI_TLS/);
  expect(loadConfig(base, []).acme).toMatchObject({ tls: { mode: "off" }, caaIssuerDomains: ["acme.akashi-demo.jp"] });
});
