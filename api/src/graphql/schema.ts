import { GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { ApplicationResolver, CaaCheckResolver, DomainValidationResolver } from "../applications/application.resolver";
import { ApiKeyResolver } from "../resellers/api-key.resolver";
import { CertificateResolver } from "../certificates/certificate.resolver";
import { ContractResolver } from "../contracts/contract.resolver";
import { AuditResolver } from "../audit/audit.resolver";
import { ProductResolver } from "../products/product.resolver";
import { ResellerResolver } from "../resellers/reseller.resolver";
import { ResellerGovernanceResolver } from "../resellers/governance.resolver";
import { CertificateStatusResolver } from "../status/certificate-status.resolver";
import { SubscriberResolver } from "../subscribers/subscriber.resolver";
import {
  CertificateRevocationsResolver,
  MassRevocationResolver,
  ProblemReportResolver,
  RevocationResolver,
} from "../revocations/revocation.resolver";
import { ContractSealResolver, SealResolver } from "../seals/seal.resolver";
import { ChargeResolver, ContractFeesResolver } from "../fees/fee.resolver";
import { WebhookDeliveryResolver, WebhookResolver } from "../events/webhook.resolver";
import { AnnouncementResolver } from "../notices/announcement.resolver";
import { NoticeResolver } from "../notices/notice.resolver";
import {
  AcmeAccountResolver,
  AcmeEabCredentialResolver,
  AcmeOrderResolver,
  UsageFqdnResolver,
  UsagePeriodResolver,
} from "../acme/acme.resolver";
import { NodeResolver } from "./node.resolver";
import { catalogueResolvers } from "../catalogue-resolvers";
import { textInputGuard } from "./text-input";
import { ViewerResolver } from "./viewer.resolver";

const resolvers = [
  NodeResolver,
  ViewerResolver,
  ProductResolver,
  ResellerResolver,
  ResellerGovernanceResolver,
  SubscriberResolver,
  ApiKeyResolver,
  AuditResolver,
  ApplicationResolver,
  DomainValidationResolver,
  CaaCheckResolver,
  ContractResolver,
  CertificateResolver,
  CertificateStatusResolver,
  RevocationResolver,
  ProblemReportResolver,
  CertificateRevocationsResolver,
  MassRevocationResolver,
  SealResolver,
  ContractSealResolver,
  WebhookResolver,
  WebhookDeliveryResolver,
  ChargeResolver,
  ContractFeesResolver,
  NoticeResolver,
  AnnouncementResolver,
  ...catalogueResolvers,
  UsageFqdnResolver,
  UsagePeriodResolver,
  AcmeEabCredentialResolver,
  AcmeAccountResolver,
  AcmeOrderResolver,
] as const;

let built: Promise<GraphQLSchema> | undefined;

/** The schema is built once per process from the decorated classes. */
export function getSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({ resolvers: [...resolvers], validate: false, globalMiddlewares: [textInputGuard] });
  return built;
}

/** The SDL committed as schema/schema.graphql: sorted, so that diffs show only real changes. */
export async function printSdl(): Promise<string> {
  return printSchema(lexicographicSortSchema(await getSchema())) + "\n";
}
