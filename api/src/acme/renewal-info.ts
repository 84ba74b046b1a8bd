/**
 * ACME-7, RFC 9773: ACME Renewal Information. The certID is base64url(AKI key identifier) "."
 * base64url(serial number octets). The suggested window is the middle third of the validity, and
 * moves to now when the certificate is about to be revoked — a scheduled revocation, an open problem
 * report with verified proof of key compromise, or a mass revocation running for it — or already is.
 */
import { EntityManager } from "typeorm";
import { CaService } from "../certificates";
import { Clock } from "../domain/clock";
import { issuerContext } from "../pki/certificate-der";
import { canonicalSerialHex } from "../pki";
import type { AcmeResponse } from "./acme-response";
import { AcmeProblem } from "./problems";

const NORMAL_RETRY_SECONDS = 6 * 3600;
const URGENT_RETRY_SECONDS = 3600;

interface CertId {
  keyId: Buffer;
  serialHex: string;
}

function parseCertId(value: unknown): CertId {
  if (typeof value !== "string") throw new AcmeProblem("malformed", "a certID is a string");
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(value);
  if (!m) throw new AcmeProblem("malformed", "a certID is base64url(AKI).base64url(serial) (RFC 9773 §4.1)");
  try {
    return {
      keyId: Buffer.from(m[1], "base64url"),
      serialHex: canonicalSerialHex(Buffer.from(m[2], "base64url").toString("hex")),
    };
  } catch {
    throw new AcmeProblem("malformed", "the certID's serial number is not valid");
  }
}

/** The certID of a certificate issued by `caCertDer` (for tests and the reseller view). */
export function certIdOf(caCertDer: Buffer, serialHex: string): string {
  return `${issuerContext(caCertDer).keyId.toString("base64url")}.${Buffer.from(serialHex.length % 2 ? `0${serialHex}` : serialHex, "hex").toString("base64url")}`;
}

interface Row {
  id: string;
  subscriber_id: string;
  names: string[];
  not_before: Date;
  not_after: Date;
  revoked_at: Date | null;
  issuing_ca_id: string;
  scheduled: Date | null;
  reported: boolean;
  mass: boolean;
}

/** ACME certificates with this certID, with what says whether a revocation is coming (one query). */
async function findByCertId(db: EntityManager, ca: CaService, certId: CertId): Promise<Row | null> {
  const rows: Row[] = await db.query(
    `SELECT c.id, o.subscriber_id, c.names, c.not_before, c.not_after, c.revoked_at, c.issuing_ca_id,
       (SELECT min(r.scheduled_for) FROM revocation r WHERE r.certificate_id = c.id AND r.status = 'SCHEDULED') AS scheduled,
       EXISTS (SELECT 1 FROM problem_report p WHERE p.certificate_id = c.id AND p.status IN ('OPEN','ANSWERED') AND p.proof_verified) AS reported,
       EXISTS (SELECT 1 FROM mass_revocation m WHERE m.status = 'RUNNING' AND (m.issuing_ca_id = c.issuing_ca_id OR c.serial_hex = ANY (m.serials))) AS mass
     FROM certificate c JOIN acme_order o ON o.certificate_id = c.id
     WHERE c.serial_hex = $1 AND c.source = 'ISSUED'`,
    [certId.serialHex],
  );
  for (const row of rows) {
    const issuer = await ca.get(row.issuing_ca_id);
    if (issuer && issuerContext(issuer.certDer).keyId.equals(certId.keyId)) return row;
  }
  return null;
}

/** RFC 9773 §5: the certificate a new order says it replaces: an ACME certificate of the same subscriber sharing a name. */
export async function findReplaced(
  tx: EntityManager,
  replaces: unknown,
  subscriberId: string,
  names: string[],
  ca?: CaService,
): Promise<string> {
  const id = parseCertId(replaces);
  const rows: { id: string; subscriber_id: string; names: string[]; issuing_ca_id: string }[] = await tx.query(
    `SELECT c.id, o.subscriber_id, c.names, c.issuing_ca_id FROM certificate c JOIN acme_order o ON o.certificate_id = c.id WHERE c.serial_hex = $1`,
    [id.serialHex],
  );
  const row = rows[0];
  if (!row || (ca && !(await ca.get(row.issuing_ca_id))))
    throw new AcmeProblem("malformed", "replaces names no certificate this server issued through ACME");
  if (row.subscriber_id !== subscriberId)
    throw new AcmeProblem("unauthorized", "replaces names a certificate of another subscriber");
  if (!row.names.some((n) => names.includes(n)))
    throw new AcmeProblem("malformed", "the replaced certificate shares no identifier with the order");
  return row.id;
}

/**
 * GET /acme/renewal-info/:certID.
 * @rule ACME-7
 */
export async function renewalInfo(
  db: EntityManager,
  ca: CaService,
  clock: Clock,
  certIdText: string,
): Promise<AcmeResponse> {
  const row = await findByCertId(db, ca, parseCertId(certIdText));
  if (!row) throw new AcmeProblem("malformed", "no certificate issued through ACME has this certID", { status: 404 });
  const now = clock.now();
  const urgent = row.revoked_at !== null || row.scheduled !== null || row.reported || row.mass;
  let start: Date;
  let end: Date;
  if (urgent) {
    // ACME-7: replace it before it is revoked.
    start = now;
    const deadline =
      row.scheduled && row.scheduled > now ? row.scheduled : new Date(now.getTime() + URGENT_RETRY_SECONDS * 1000);
    end = new Date(Math.min(deadline.getTime(), now.getTime() + URGENT_RETRY_SECONDS * 1000));
    if (end <= start) end = new Date(start.getTime() + 60_000);
  } else {
    const life = row.not_after.getTime() - row.not_before.getTime();
    start = new Date(row.not_before.getTime() + Math.floor(life / 3));
    end = new Date(row.not_before.getTime() + Math.floor((2 * life) / 3));
  }
  const retry = urgent ? URGENT_RETRY_SECONDS : NORMAL_RETRY_SECONDS;
  return {
    status: 200,
    body: { suggestedWindow: { start: start.toISOString(), end: end.toISOString() } },
    headers: { "Retry-After": String(retry), "Cache-Control": `public, max-age=${retry}` },
  };
}
