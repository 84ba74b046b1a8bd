import { CaaCheck } from "../applications";
import { AcmeAccount } from "./acme-account.entity";
import { AcmeAuthorization } from "./acme-authorization.entity";
import { AcmeOrder } from "./acme-order.entity";
import { AcmeEabCredential } from "./eab-credential.entity";
import { UsageFqdn, UsagePeriod } from "./usage-fqdn.entity";

/** The entities of the ACME variant and of CAA checks (APP-11), for db/entities.ts. */
export const acmeEntities = [
  CaaCheck,
  UsageFqdn,
  UsagePeriod,
  AcmeEabCredential,
  AcmeAccount,
  AcmeOrder,
  AcmeAuthorization,
];
