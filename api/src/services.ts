import fs from "node:fs";
import { DataSource } from "typeorm";
import { ApplicationService } from "./applications/application.service";
import { DomainValidationService } from "./applications/domain-validation.service";
import { ImportService } from "./applications/import.service";
import { ReviewService } from "./applications/review.service";
import { AuditQueryService } from "./audit/audit-query.service";
import { AuditService } from "./audit/audit.service";
import { ApiKeyService } from "./auth/api-key.service";
import { resolveCaPassphrase } from "./certificates/ca-passphrase";
import { CaService } from "./certificates/ca.service";
import { CertificateService } from "./certificates/certificate.service";
import { IssuanceService } from "./certificates/issuance.service";
import { Config } from "./config";
import { contractJobs } from "./contracts/contract-jobs";
import { ContractService } from "./contracts/contract.service";
import { Clock } from "./domain/clock";
import { parseCertificateChain } from "./pki";
import { ProductService } from "./products/product.service";
import { ResellerService } from "./resellers/reseller.service";
import { CertificateStatusService } from "./status/certificate-status.service";
import { CrlService } from "./status/crl.service";
import { combineJobSets } from "./status/job-sets";
import { OcspResponder } from "./status/ocsp-responder";
import { StatusPublisher } from "./status/status-publisher";
import { SubscriberService } from "./subscribers/subscriber.service";
import { SealService } from "./seals/seal.service";
import { WidgetAssets, loadWidgetAssets } from "./seals/widget-assets";
import { MASS_REVOCATION_JOB, MassRevocationService } from "./revocations/mass-revocation.service";
import { ProblemReportService } from "./revocations/problem-report.service";
import { EXECUTE_SCHEDULED_JOB, RevocationService } from "./revocations/revocation.service";

/** Every service, built once per process over one data source and one clock. */
export function createServices(ds: DataSource, clock: Clock, config: Config) {
  const audit = new AuditService(clock);
  const { passphrase } = resolveCaPassphrase(config.caPassphrase, config.dataDir);
  const ca = new CaService(ds, clock, config.publicBaseUrl, passphrase, config.caKeyAlgorithm);
  const dcv = new DomainValidationService(ds, clock, audit, config);
  const issuance = new IssuanceService(clock, audit, ca, config.reissueGraceHours);
  // VAL-3: Akashi's own root is always accepted for carry-over; others come from configuration.
  const extraRoots = config.carryOverRootsFile ? parseCertificateChain(fs.readFileSync(config.carryOverRootsFile, "utf8")).map((c) => c.der) : [];
  const carryOverRoots = async () => [(await ca.root()).certDer, ...extraRoots];
  // STAT-1..3: the revocation side calls statusPublisher.certificateRevoked in its transaction.
  const statusPublisher = new StatusPublisher(clock);
  const crls = new CrlService(ds, clock, ca);
  const revocations = new RevocationService(ds, clock, audit, statusPublisher);
  const massRevocations = new MassRevocationService(ds, clock, audit, revocations, config.massRevocationBatch);
  const certificates = new CertificateService(ds, ca);
  // The widget is built once (npm run build:widget); read lazily so a rebuild shows up without restart.
  let widget: WidgetAssets | null | undefined;
  const widgetAssets = () => (widget ??= loadWidgetAssets());
  return {
    ds,
    clock,
    config,
    audit,
    ca,
    auditQuery: new AuditQueryService(ds),
    apiKeys: new ApiKeyService(ds, clock, audit),
    products: new ProductService(ds),
    resellers: new ResellerService(ds, clock, audit),
    subscribers: new SubscriberService(ds, clock, audit),
    domainValidations: dcv,
    applications: new ApplicationService(ds, clock, audit, dcv, carryOverRoots),
    imports: new ImportService(ds, clock, audit),
    review: new ReviewService(ds, clock, audit, dcv, issuance),
    contracts: new ContractService(ds, clock, audit),
    certificates,
    seals: new SealService(ds, clock, audit, certificates, config.publicBaseUrl, widgetAssets),
    widgetAssets,
    revocations,
    problemReports: new ProblemReportService(ds, clock, audit, revocations),
    massRevocations,
    statusPublisher,
    crls,
    ocsp: new OcspResponder(ds, clock, ca, statusPublisher),
    certificateStatus: new CertificateStatusService(ds, clock),
    jobs: combineJobSets(contractJobs(clock, audit), crls.jobs(), {
      handlers: { [EXECUTE_SCHEDULED_JOB]: revocations.executeScheduledJob(), [MASS_REVOCATION_JOB]: massRevocations.batchJob() },
      recurring: [],
    }),
  };
}

export type Services = ReturnType<typeof createServices>;
