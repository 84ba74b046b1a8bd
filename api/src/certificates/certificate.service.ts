import { DataSource } from "typeorm";
import { canSeeResellerData, requireAuthenticated } from "../auth";
import { Contract } from "../contracts";
import { ConnectionShape, PageRequest, paginate } from "../paging";
import { toPem } from "../pki";
import { RequestScope } from "../request-scope";
import { CaService } from "./ca.service";
import { Certificate } from "./certificate.entity";

/** Certificates as their managing reseller (RES-3, RES-5) and the operator see them. */
export class CertificateService {
  constructor(
    private readonly ds: DataSource,
    private readonly ca: CaService,
  ) {}

  async get(scope: RequestScope, id: string): Promise<Certificate | null> {
    const c = await scope.loaders.byId(Certificate).load(id);
    if (!c) return null;
    const contract = await scope.loaders.byId(Contract).load(c.contractId);
    return contract && canSeeResellerData(scope.caller, contract.resellerId) ? c : null;
  }

  async list(
    scope: RequestScope,
    args: PageRequest,
    filter: { contractId?: string } = {},
  ): Promise<ConnectionShape<Certificate>> {
    requireAuthenticated(scope.caller);
    const qb = this.ds.getRepository(Certificate).createQueryBuilder("c");
    if (scope.caller.kind === "RESELLER") {
      qb.innerJoin(Contract, "k", "k.id = c.contract_id").where("k.reseller_id = :own", {
        own: scope.caller.resellerId,
      });
    }
    if (filter.contractId) qb.andWhere("c.contract_id = :cid", { cid: filter.contractId });
    return paginate(qb, args);
  }

  /** Certificates of a contract the caller already may see, newest first. */
  async ofContract(scope: RequestScope, contract: Contract): Promise<Certificate[]> {
    return scope.loaders.manyBy(Certificate, "contractId", { notAfter: "DESC", createdAt: "DESC" }).load(contract.id);
  }

  pem(c: Certificate): string {
    return toPem(c.der, "CERTIFICATE");
  }

  /** RES-5: the certificate followed by its issuing CA, as a server sends it. Imported certificates have none of ours. */
  async chainPem(c: Certificate): Promise<string> {
    return c.issuingCaId ? this.pem(c) + (await this.ca.chainPem(c.issuingCaId)) : this.pem(c);
  }
}
