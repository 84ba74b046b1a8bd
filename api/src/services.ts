import fs from "node:fs";
import { DataSource, EntityManager } from "typeorm";
import { ApplicationService } from "./applications/application.service";
import { DomainValidationService } from "./applications/domain-validation.service";
import { ImportService } from "./applications/import.service";
import { ReviewService } from "./applications/review.service";
import { AuditQueryService } from "./audit/audit-query.service";
import { AuditService } from "./audit/audit.service";
import { ApiKeyService } from "./resellers/api-key.service";
import { resolveCaPassphrase } from "./certificates/ca-passphrase";
import { CaService } from "./certificates/ca.service";
import { CertificateService } from "./certificates/certificate.service";
import { IssuanceService } from "./certificates/issuance.service";
import { Config } from "./config";
import { DatabaseHealth } from "./db/health";
import { PgListener } from "./db/listener";
import { trackPool } from "./metrics/registry";
import { CertificateFactsCache } from "./status/certificate-facts";
import { ViewChanges } from "./status/view-changes";
import { contractJobs } from "./contracts/contract-jobs";
import { FeeService } from "./fees/fee.service";
import { ContractService } from "./contracts/contract.service";
import { Clock } from "./domain/clock";
import { parseCertificateChain } from "./pki";
import { ProductService } from "./products/product.service";
import { ResellerService } from "./resellers/reseller.service";
import { ApiKeyGovernanceService } from "./resellers/api-key-governance.service";
import { ActivityReportService } from "./resellers/activity-report.service";
import { DirectNoticeService } from "./resellers/direct-notice.service";
import { ResellerDisciplineService } from "./resellers/reseller-discipline.service";
import { ResellerRegistrationService } from "./resellers/reseller-registration.service";
import { RESELLER_STATUS_JOB, resellerStatusJob } from "./resellers/reseller-status.sync";
import { ResellerTerminationService } from "./resellers/reseller-termination.service";
import { CertificateStatusService } from "./status/certificate-status.service";
import { CrlService } from "./status/crl.service";
import { combineJobSets } from "./jobs/job-sets";
import { OcspResponder } from "./status/ocsp-responder";
import { CRL_RELEASE_JOB, StatusPublisher } from "./status/status-publisher";
import { SubscriberService } from "./subscribers/subscriber.service";
import { EventPublisher } from "./events/event-publisher";
import { WebhookDeliverer } from "./events/webhook-deliverer";
import { WebhookService } from "./events/webhook.service";
import { AnnouncementService } from "./notices/announcement.service";
import { ExpiringSoonService } from "./notices/expiring-soon.service";
import { createMailer } from "./notices/mailer";
import { NoticeService } from "./notices/notice.service";
import { SealFactsCache } from "./seals/seal-facts";
import { SealService } from "./seals/seal.service";
import { WidgetAssets, loadWidgetAssets } from "./seals/widget-assets";
import { MASS_REVOCATION_JOB, MassRevocationService } from "./revocations/mass-revocation.service";
import { ProblemReportService } from "./revocations/problem-report.service";
import { EXECUTE_SCHEDULED_JOB, RevocationService } from "./revocations/revocation.service";
import { catalogueServices } from "./catalogue-services";
import { AcmeAccountQueries } from "./acme/acme-directory.service";
import { AcmeServer } from "./acme/acme-server";
import { EabService } from "./acme/eab.service";
import { UsageFqdnService } from "./acme/usage-fqdn.service";

/** Every service, built once per process over one data source and one clock. */
export function createServices(ds: DataSource, clock: Clock, config: Config) {
  const audit = new AuditService(clock);
  // NOT-1: the outbox; services emit events in their own transactions through it.
  const events = new EventPublisher(clock);
  // NOT-1, NOT-2, RES-5: notices are written in the changing transaction and e-mailed when SMTP_URL is set.
  const notices = new NoticeService(ds, clock, createMailer(config), config.publicBaseUrl);
  // RES-6, CON-7, CON-8: the fee ledger; issuance, import and auto-renew extension record charges through it.
  const fees = new FeeService(ds, clock, audit);
  const { passphrase } = resolveCaPassphrase(config.caPassphrase, config.dataDir);
  const ca = new CaService(ds, clock, config.publicBaseUrl, passphrase, config.caKeyAlgorithm);
  const dcv = new DomainValidationService(ds, clock, audit, config);
  // VAL-3: Akashi's own root is always accepted for carry-over; others come from configuration.
  const extraRoots = config.carryOverRootsFile
    ? parseCertificateChain(fs.readFileSync(config.carryOverRootsFile, "utf8")).map((c) => c.der)
    : [];
  const carryOverRoots = async (em: EntityManager) => [(await ca.root(em)).certDer, ...extraRoots];
  // STAT-1..3: the revocation side calls statusPublisher.certificatesRevoked in its transaction.
  const statusPublisher = new StatusPublisher(clock);
  const crls = new CrlService(ds, clock, ca);
  const revocations = new RevocationService(ds, clock, audit, statusPublisher, events, notices);
  // VAL-4: a reissue schedules the superseded certificate's revocation through the revocation service.
  const issuance = new IssuanceService(clock, audit, ca, config.reissueGraceHours, fees, revocations);
  const massRevocations = new MassRevocationService(
    ds,
    clock,
    audit,
    statusPublisher,
    events,
    notices,
    config.massRevocationBatch,
    config.massRevocationChains,
  );
  const certificates = new CertificateService(ds, ca);
  trackPool(ds); // metrics: the pool's connections, waits, timeouts and statements
  // STAT-3: the process's one LISTEN connection, and the change notifications every in-memory view obeys.
  const listener = new PgListener(ds);
  const viewChanges = new ViewChanges(ds, listener);
  const certificateFacts = new CertificateFactsCache(ds, viewChanges);
  // The widget is built once (npm run build:widget); read lazily so a rebuild shows up without restart.
  let widget: WidgetAssets | null | undefined;
  const widgetAssets = () => (widget ??= loadWidgetAssets());
  // RES-2: key rotation, revoke-all and expiry notices.
  const apiKeyGovernance = new ApiKeyGovernanceService(ds, clock, audit, notices, events);
  // VAL-1, CON-5..CON-9, APP-6, REV-4: the operator's catalogue, payments, subscriber changes and disputes (catalogue-services.ts).
  const catalogue = catalogueServices({ ds, clock, config, audit, events, notices, revocations });
  // ACME-1..8: the ACME server and the reseller's side of the ACME variant; nonces and EAB keys derive from the CA passphrase.
  const acme = new AcmeServer({
    ds,
    clock,
    config,
    serviceSecret: passphrase,
    audit,
    events,
    dcv,
    issuance,
    certificates,
    revocations,
    ca,
  });
  return {
    ds,
    listener,
    viewChanges,
    // Readiness and the fail-fast switch for a database that does not answer.
    health: new DatabaseHealth(ds),
    clock,
    config,
    audit,
    ca,
    auditQuery: new AuditQueryService(ds),
    apiKeys: new ApiKeyService(ds, clock, audit),
    products: new ProductService(ds),
    resellers: new ResellerService(ds, clock, audit, fees),
    apiKeyGovernance,
    resellerRegistration: new ResellerRegistrationService(ds, clock, audit),
    resellerDiscipline: new ResellerDisciplineService(ds, clock, audit, notices, events),
    resellerTermination: new ResellerTerminationService(ds, clock, audit, notices, revocations),
    directNotices: new DirectNoticeService(ds, clock, audit, notices),
    activityReports: new ActivityReportService(ds, clock),
    subscribers: new SubscriberService(ds, clock, audit, catalogue.subscriberChanges),
    domainValidations: dcv,
    applications: new ApplicationService(ds, clock, audit, dcv, carryOverRoots, events),
    imports: new ImportService(ds, clock, audit, fees),
    review: new ReviewService(ds, clock, audit, dcv, issuance, events, notices),
    contracts: new ContractService(ds, clock, audit, events),
    certificates,
    seals: new SealService(
      ds,
      clock,
      audit,
      ca,
      new SealFactsCache(ds, viewChanges),
      config.publicBaseUrl,
      widgetAssets,
      events,
    ),
    widgetAssets,
    revocations,
    problemReports: new ProblemReportService(ds, clock, audit, revocations),
    massRevocations,
    statusPublisher,
    crls,
    events,
    webhooks: new WebhookService(ds, clock, audit, config.webhook.allowInsecure),
    fees,
    notices,
    announcements: new AnnouncementService(ds, clock, audit, notices, events),
    expiringSoon: new ExpiringSoonService(ds, clock),
    acme,
    usageFqdns: new UsageFqdnService(ds, clock, audit, fees, events),
    eabCredentials: new EabService(ds, clock, audit, acme.core.secrets, acme.core.urls, config.acme.eabDefaultDays),
    acmeAccounts: new AcmeAccountQueries(ds, acme.core.urls),
    ocsp: new OcspResponder(ds, clock, ca, statusPublisher, certificateFacts, viewChanges),
    certificateStatus: new CertificateStatusService(certificateFacts, clock),
    ...catalogue,
    jobs: combineJobSets(
      acme.jobs(),
      contractJobs(clock, audit, fees, events),
      crls.jobs(),
      new WebhookDeliverer(ds, clock, config.webhook).jobs(),
      fees.jobs(),
      notices.jobs(),
      apiKeyGovernance.jobs(),
      { handlers: { [RESELLER_STATUS_JOB]: resellerStatusJob(clock, audit, events) }, recurring: [] },
      {
        handlers: {
          [EXECUTE_SCHEDULED_JOB]: revocations.executeScheduledJob(),
          [MASS_REVOCATION_JOB]: massRevocations.batchJob(),
          [CRL_RELEASE_JOB]: statusPublisher.releaseJob(),
        },
        recurring: [],
      },
    ),
  };
}

export type Services = ReturnType<typeof createServices>;
