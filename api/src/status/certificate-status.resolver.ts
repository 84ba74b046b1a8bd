import { Arg, Ctx, Extensions, Field, ObjectType, Query, Resolver } from "type-graphql";
import { STATUS_CACHE_MAX_AGE_S } from "./cache-policy";
import { CertificateStatus } from "../certificates";
import type { Context } from "../graphql/context";
import { badUserInput } from "../errors";
import { RevocationReasonValue } from "../revocations";
import { InvalidStatusLookup, PublicCertificateStatus } from "./certificate-status.service";

@ObjectType({
  description:
    "The live status of a certificate, as everyone may check it (STAT-3). The same source as the CRL and OCSP.",
})
export class CertificateStatusResult {
  @Field(() => CertificateStatus, { description: "Status at `checkedAt`." })
  status!: CertificateStatus;

  @Field({ description: "Serial number, lower-case hex without separators." })
  serialNumber!: string;

  @Field({ description: "SHA-256 of the certificate's DER, lower-case hex without separators." })
  sha256Fingerprint!: string;

  @Field(() => Date, { description: "Start of the certificate's validity." })
  notBefore!: Date;

  @Field(() => Date, { description: "End of the certificate's validity." })
  notAfter!: Date;

  @Field(() => Date, {
    nullable: true,
    description: "When the certificate was revoked; null unless `status` is REVOKED.",
  })
  revokedAt!: Date | null;

  @Field(() => RevocationReasonValue, {
    nullable: true,
    description: "Why the certificate was revoked (REV-1); null unless revoked.",
  })
  revocationReason!: RevocationReasonValue | null;

  @Field(() => Date, {
    nullable: true,
    description: "When a scheduled revocation will take effect (REV-2); null when none is pending.",
  })
  revocationScheduledAt!: Date | null;

  @Field(() => Date, { description: "When this status was determined." })
  checkedAt!: Date;

  @Field({ description: "Issuer distinguished name." })
  issuerName!: string;

  @Field(() => [String], { description: "DNS names in the certificate (SAN)." })
  names!: string[];
}

@Resolver()
export class CertificateStatusResolver {
  @Extensions({ cacheMaxAge: STATUS_CACHE_MAX_AGE_S })
  @Query(() => CertificateStatusResult, {
    nullable: true,
    description: `Public (no API key needed): the status of a certificate by exactly one of its serial number or SHA-256 fingerprint; null for a certificate the CA does not know. Anonymous answers are cacheable for ${STATUS_CACHE_MAX_AGE_S} seconds (also as GET /graphql).`,
  })
  async certificateStatus(
    @Arg("serialNumber", () => String, {
      nullable: true,
      description: "Serial number in hex (case and colons ignored).",
    })
    serialNumber: string | null | undefined,
    @Arg("sha256Fingerprint", () => String, {
      nullable: true,
      description: "SHA-256 fingerprint of the DER in hex (case and colons ignored).",
    })
    sha256Fingerprint: string | null | undefined,
    @Ctx() ctx: Context,
  ): Promise<CertificateStatusResult | null> {
    const hasSerial = serialNumber !== null && serialNumber !== undefined;
    const hasFingerprint = sha256Fingerprint !== null && sha256Fingerprint !== undefined;
    if (hasSerial === hasFingerprint) throw badUserInput("Give exactly one of serialNumber and sha256Fingerprint.");
    let found: PublicCertificateStatus | null;
    try {
      found = await ctx.services.certificateStatus.lookup(
        hasSerial ? { serialNumber: serialNumber } : { sha256Fingerprint: sha256Fingerprint! },
      );
    } catch (e) {
      if (e instanceof InvalidStatusLookup) throw badUserInput(e.message);
      throw e;
    }
    if (!found) return null;
    return Object.assign(new CertificateStatusResult(), found, {
      revocationReason: found.revocationReason as RevocationReasonValue | null,
    });
  }
}
