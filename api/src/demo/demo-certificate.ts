import fs from "node:fs";
import http from "node:http";
import { AddressInfo } from "node:net";
import path from "node:path";
import { Application } from "../applications/application.entity";
import { startNxdomainDns } from "./demo-dns";
import { DomainValidationService } from "../applications/domain-validation.service";
import { DomainValidation, DomainValidationStatus } from "../applications/domain-validation.entity";
import { Caller, systemActor } from "../auth/caller";
import { Loaders } from "../db/loaders";
import { createKeyAndCsr } from "../pki";
import { Product } from "../products/product.entity";
import { Services } from "../services";

export const DEMO_NAMES = ["shop.akashi-demo.jp", "www.shop.akashi-demo.jp"];

/**
 * Issues the demo shop's certificate through the same application, review, domain-control and
 * issuance code as any other. `akashi-demo.jp` cannot be reached from here, so for this one run the
 * domain-control check is pointed at a loopback server that publishes the tokens — the same
 * host-override mechanism the tests use. The key and chain are written to the data directory so
 * the demo shop could serve TLS with them.
 */
export async function issueDemoCertificate(
  services: Services,
  reseller: Caller,
  subscriberId: string,
): Promise<{ serialHex: string; contractId: string }> {
  const scope = (caller: Caller) => ({ caller, requestId: null, loaders: new Loaders(services.ds) });
  const product = await services.ds.getRepository(Product).findOneByOrFail({ code: "OV" });
  const { csrPem, privateKeyPem } = await createKeyAndCsr(DEMO_NAMES);
  const app = await services.applications.submit(scope(reseller), {
    subscriberId,
    productId: product.id,
    termMonths: 12,
    names: DEMO_NAMES,
    csr: csrPem,
    consents: { termsVersion: "2026-04", registrantDataUse: true, dataSubjects: true },
    idempotencyKey: "demo-shop-certificate",
  });
  const operator = systemActor("demo-data").caller;
  await services.review.startReview(scope(operator), app.id);
  await proveDomainControl(services, scope(operator), app);
  const { certificate } = await services.review.approve(scope(operator), app.id);
  const dir = path.join(services.config.dataDir, "demo");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "shop.akashi-demo.jp.key"), privateKeyPem, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, "shop.akashi-demo.jp.chain.pem"), await services.certificates.chainPem(certificate));
  return { serialHex: certificate.serialHex, contractId: certificate.contractId };
}

async function proveDomainControl(
  services: Services,
  scope: { caller: Caller; requestId: null; loaders: Loaders },
  app: Application,
): Promise<void> {
  const tokens = new Map(
    (await services.ds.getRepository(DomainValidation).findBy({ applicationId: app.id })).map((v) => [v.token, v.name]),
  );
  const server = http.createServer((req, res) => {
    const token = /^\/\.well-known\/pki-validation\/([A-Za-z0-9_-]+)\.txt$/.exec(req.url ?? "")?.[1];
    if (token && tokens.get(token) === req.headers.host) res.writeHead(200).end(token);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const dns = await startNxdomainDns();
  try {
    const port = (server.address() as AddressInfo).port;
    const overrides = Object.fromEntries(DEMO_NAMES.map((n) => [n, `127.0.0.1:${port}`]));
    const dcvConfig = { ...services.config.dcv, hostOverrides: overrides, dnsServers: [dns.address] };
    const dcv = new DomainValidationService(services.ds, services.clock, services.audit, {
      ...services.config,
      dcv: dcvConfig,
    });
    const results = await dcv.check(scope, app);
    if (results.some((v) => v.status !== DomainValidationStatus.VALID))
      throw new Error("demo domain-control check failed");
  } finally {
    server.close();
    await dns.close();
  }
}
