import { Args, Ctx, FieldResolver, Query, Resolver, Root, registerEnumType } from "type-graphql";
import { CertificateConnection } from "./certificate.types";
import { Contract } from "../contracts";
import type { Context } from "../graphql/context";
import { PageArgs } from "../graphql/relay";
import { RevocationReasonValue } from "../revocations";
import { Certificate } from "./certificate.entity";
import { CertificateStatus, certificateStatus } from "./certificate-status";

registerEnumType(CertificateStatus, {
  name: "CertificateStatus",
  description: "Live status at the time of the request (STAT-3).",
});

@Resolver(() => Certificate)
export class CertificateResolver {
  @Query(() => CertificateConnection, { description: "Certificates: a reseller those it manages, operators all." })
  certificates(@Args() args: PageArgs, @Ctx() ctx: Context): Promise<CertificateConnection> {
    return ctx.services.certificates.list(ctx, args);
  }

  @FieldResolver(() => String, { description: "The certificate in PEM." })
  pem(@Root() c: Certificate, @Ctx() ctx: Context): string {
    return ctx.services.certificates.pem(c);
  }

  @FieldResolver(() => String, {
    description: "The certificate followed by its issuing CA certificate, as a server sends it (RES-5).",
  })
  chainPem(@Root() c: Certificate, @Ctx() ctx: Context): Promise<string> {
    return ctx.services.certificates.chainPem(c);
  }

  @FieldResolver(() => CertificateStatus, {
    description:
      "Status at the time of the request: VALID, NOT_YET_VALID, EXPIRED or REVOKED (STAT-3); a scheduled revocation shows as VALID until executed.",
  })
  status(@Root() c: Certificate, @Ctx() ctx: Context): CertificateStatus {
    return certificateStatus(c, ctx.services.clock.now());
  }

  @FieldResolver(() => RevocationReasonValue, {
    nullable: true,
    description: "RFC 5280 reason of the executed revocation (REV-1); null if not revoked.",
  })
  revocationReason(@Root() c: Certificate): RevocationReasonValue | null {
    return c.revocationReason as RevocationReasonValue | null;
  }

  @FieldResolver(() => Contract, {
    nullable: true,
    description: "The contract this certificate serves; null if the caller may not see it.",
  })
  contract(@Root() c: Certificate, @Ctx() ctx: Context): Promise<Contract | null> {
    return ctx.services.contracts.get(ctx, c.contractId);
  }
}
