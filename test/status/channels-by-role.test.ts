import request from "supertest";
import { endOfMonthOf } from "../../api/src/domain";
import { gqlOk } from "../support/lifecycle";
import { opensslSerial } from "../support/openssl";
import {
  IssuedCertificate,
  StatusFixture,
  binary,
  crlUrlOf,
  field,
  listen,
  pathOf,
  opensslAsync,
  opensslTime,
  startStatusFixture,
} from "./status-support";

/**
 * STAT-1..STAT-3 with REV-1/REV-2, end to end: a revocation asked for through GraphQL by each role
 * reaches the public status, the CRL (read by openssl) and OCSP (queried by `openssl ocsp`) within
 * 2 seconds, with the same time and reason; a scheduled one flips everywhere at the month's end;
 * a withdrawn one never does.
 */
jest.setTimeout(120_000);

let f: StatusFixture;
let server: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  f = await startStatusFixture(5);
  server = await listen(f.t.app);
  await f.t.jobs.scheduleRecurring();
}, 90_000);

afterAll(async () => {
  await server?.close();
  await f.close();
});

const REVOKE = `mutation($input: RequestRevocationInput!) { requestRevocation(input: $input) { revocation { id status scheduledFor } userErrors { code } } }`;

interface Channels {
  status: {
    status: string;
    revokedAt: string | null;
    revocationReason: string | null;
    revocationScheduledAt: string | null;
  };
  crlEntry: { reason: string; at: Date } | null;
  ocsp: { state: string; reason: string | null; at: Date | null };
}

/** What every channel says about a certificate right now. */
async function channels(cert: IssuedCertificate): Promise<Channels> {
  const status = (
    await request(f.t.app)
      .get("/graphql")
      .query({
        query: `{ certificateStatus(serialNumber: "${cert.serialNumber}") { status revokedAt revocationReason revocationScheduledAt } }`,
      })
  ).body.data.certificateStatus;
  // STAT-1: the CRL in the certificate's CRL Distribution Point (its shard).
  const crl = await binary(request(f.t.app).get(pathOf(crlUrlOf(cert.leafPath))));
  const crlText = (
    await opensslAsync([
      "crl",
      "-inform",
      "DER",
      "-in",
      f.dir.file(`c-${cert.serialNumber}.crl`, crl.body as Buffer),
      "-noout",
      "-text",
      "-CAfile",
      f.chainPath,
    ])
  ).out;
  expect(crlText).toContain("verify OK");
  const entry = crlText.split("Serial Number:").find((e) => e.trim().startsWith(opensslSerial(cert.serialNumber)));
  // The clock may stand at a month end ahead of real time: accept any validity window, check the signature.
  const ocsp = (
    await opensslAsync([
      "ocsp",
      "-issuer",
      f.issuingPath,
      "-cert",
      cert.leafPath,
      "-url",
      `${server.url}/ocsp`,
      "-CAfile",
      f.rootPath,
      "-validity_period",
      "100000000",
    ])
  ).out;
  expect(ocsp).toContain("Response verify OK");
  const state = /: (good|revoked|unknown)/.exec(ocsp)![1];
  return {
    status,
    crlEntry: entry
      ? {
          reason: /Reason Code:\s*\n\s*(.+)/.exec(entry)?.[1].trim() ?? "Unspecified",
          at: opensslTime(field(entry, "Revocation Date")),
        }
      : null,
    ocsp: {
      state,
      reason: /Reason: (\w+)/.exec(ocsp)?.[1] ?? null,
      at: state === "revoked" ? opensslTime(field(ocsp, "Revocation Time")) : null,
    },
  };
}

async function expectValidEverywhere(cert: IssuedCertificate): Promise<void> {
  const c = await channels(cert);
  expect(c.status).toMatchObject({ status: "VALID", revokedAt: null });
  expect(c.crlEntry).toBeNull();
  expect(c.ocsp.state).toBe("good");
}

test.each([
  ["SUBSCRIBER", "KEY_COMPROMISE", "keyCompromise", "Key Compromise"],
  ["RESELLER", "AFFILIATION_CHANGED", "affiliationChanged", "Affiliation Changed"],
  ["OPERATOR", "SUPERSEDED", "superseded", "Superseded"],
])(
  "STAT-1, STAT-2, STAT-3, REV-1: revoked by the %s through GraphQL, every channel says revoked within 2 s of the service's clock, with the same time and reason",
  async (role, reason, rfcName, crlName) => {
    const cert = await f.issue();
    await expectValidEverywhere(cert);
    const key = role === "OPERATOR" ? f.t.operatorKey : f.resellerKey;
    const res = await gqlOk(f.t, key, REVOKE, {
      input: {
        certificateId: (
          await gqlOk(f.t, f.resellerKey, `{ certificates(first: 100) { edges { node { id serialNumber } } } }`)
        ).certificates.edges.find((e: any) => e.node.serialNumber === cert.serialNumber).node.id,
        reason,
        onBehalfOfSubscriber: role === "SUBSCRIBER",
        ...(role === "RESELLER" && { resellerGround: "UNAVOIDABLE_CAUSE" }),
      },
    });
    expect(res.requestRevocation.userErrors).toEqual([]);
    // STAT-1: the CRL job coalesces a burst for up to ~1 s before publishing; 2 s of the service's clock
    // later it is due and the CRL says revoked. (Real-time propagation is measured by npm run bench.)
    f.t.clock.advance(2000);
    await f.t.jobs.runDue();
    const c = await channels(cert);
    expect(c.status.status).toBe("REVOKED");
    expect(c.status.revocationReason).toBe(reason);
    const at = new Date(c.status.revokedAt!).getTime();
    expect(c.crlEntry).toEqual({ reason: crlName, at: new Date(at) });
    expect(c.ocsp).toEqual({ state: "revoked", reason: rfcName, at: new Date(at) });
  },
);

test("REV-2, STAT-3: a scheduled revocation shows revocationScheduledAt and stays valid everywhere until the month's end, then flips everywhere; a withdrawn one never flips", async () => {
  const scheduledCert = await f.issue();
  const withdrawnCert = await f.issue();
  const ids = new Map(
    (
      await gqlOk(f.t, f.resellerKey, `{ certificates(first: 100) { edges { node { id serialNumber } } } }`)
    ).certificates.edges.map((e: any) => [e.node.serialNumber, e.node.id]),
  );
  const monthEnd = endOfMonthOf(f.t.clock.now());
  const schedule = (serial: string) =>
    gqlOk(f.t, f.resellerKey, REVOKE, {
      input: { certificateId: ids.get(serial), reason: "CESSATION_OF_OPERATION", atEndOfMonth: true },
    });
  const s1 = await schedule(scheduledCert.serialNumber);
  const s2 = await schedule(withdrawnCert.serialNumber);
  expect(s1.requestRevocation.revocation.scheduledFor).toBe(monthEnd.toISOString());
  const before = await channels(scheduledCert);
  expect(before.status).toMatchObject({ status: "VALID", revocationScheduledAt: monthEnd.toISOString() });
  expect(before.crlEntry).toBeNull();
  expect(before.ocsp.state).toBe("good");
  await gqlOk(
    f.t,
    f.resellerKey,
    `mutation($id: ID!) { withdrawRevocation(input: { revocationId: $id }) { userErrors { code } } }`,
    { id: s2.requestRevocation.revocation.id },
  );

  f.t.clock.set(new Date(monthEnd.getTime() - 1000));
  await f.t.jobs.runDue();
  expect((await channels(scheduledCert)).status.status).toBe("VALID");

  // The executor runs at the scheduled second (the revocation time is when it was executed, never backdated).
  f.t.clock.set(monthEnd);
  await f.t.jobs.runDue();
  f.t.clock.set(new Date(monthEnd.getTime() + 2000)); // the CRL publication job, a moment later
  await f.t.jobs.runDue();
  const after = await channels(scheduledCert);
  expect(after.status).toMatchObject({
    status: "REVOKED",
    revocationReason: "CESSATION_OF_OPERATION",
    revokedAt: monthEnd.toISOString(),
    revocationScheduledAt: null,
  });
  expect(after.crlEntry).toEqual({ reason: "Cessation Of Operation", at: monthEnd });
  expect(after.ocsp).toEqual({ state: "revoked", reason: "cessationOfOperation", at: monthEnd });
  const withdrawn = await channels(withdrawnCert);
  expect(withdrawn.status).toMatchObject({ status: "VALID", revocationScheduledAt: null });
  expect(withdrawn.crlEntry).toBeNull();
  expect(withdrawn.ocsp.state).toBe("good");
});
