import { snapshot } from "../audit";
import { Certificate } from "../certificates";
import { Revocation } from "./revocation.entity";

/**
 * REC-1: the before/after of a `certificate.revoke` audit entry — the state the revocation changed,
 * not the whole certificate twice. A signed certificate's other columns never change, and the entry
 * names it (entityId, and the serial here); what changes is its revocation time and reason, and the
 * revocation record that says who asked, why and when. One shape for a single and a mass revocation
 * (issue 11: with two full snapshots per certificate, the audit insert of a 10,000-certificate mass
 * revocation took 2.6 s of PostgreSQL time).
 */
export function revocationAuditStates(
  cert: Pick<Certificate, "serialHex" | "revokedAt" | "revocationReason">,
  revocation: Revocation,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  return {
    before: { serialHex: cert.serialHex, revokedAt: null, revocationReason: null },
    after: {
      serialHex: cert.serialHex,
      revokedAt: cert.revokedAt?.toISOString() ?? null,
      revocationReason: cert.revocationReason,
      revocation: snapshot(revocation),
    },
  };
}
