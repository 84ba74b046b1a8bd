/**
 * The ACME variant's server (ACME-4..8): RFC 8555 under /acme/, strict like Pebble, External Account
 * Binding required, RFC 9773 renewal information. Built once per process (services.ts) and mounted by
 * http/app.ts with `acmeRouter` (http/acme-router.ts).
 */
import { DataSource } from "typeorm";
import type { DomainValidationService } from "../applications";
import { AuditService } from "../audit";
import { CaService, CertificateService } from "../certificates";
import type { IssuanceService } from "../certificates";
import { Config } from "../config";
import { Clock } from "../domain/clock";
import { EventPublisher } from "../events";
import type { JobSet } from "../jobs/job-sets";
import { dailyAtJst } from "../jobs/schedule";
import type { RevocationService } from "../revocations";
import { AcmeAccounts } from "./acme-accounts";
import { AcmeCertificates } from "./acme-certs";
import { AcmeChallenges } from "./acme-challenges";
import { AcmeCore } from "./acme-core";
import { AcmeFinalize } from "./acme-finalize";
import { AcmeOrders } from "./acme-orders";

const PRUNE_NONCES_JOB = "acme.prune-nonces";

export interface AcmeServerDeps {
  ds: DataSource;
  clock: Clock;
  config: Config;
  serviceSecret: string;
  audit: AuditService;
  events: EventPublisher;
  dcv: DomainValidationService;
  issuance: IssuanceService;
  certificates: CertificateService;
  revocations: RevocationService;
  ca: CaService;
}

export class AcmeServer {
  readonly core: AcmeCore;
  readonly accounts: AcmeAccounts;
  readonly orders: AcmeOrders;
  readonly challenges: AcmeChallenges;
  readonly finalize: AcmeFinalize;
  readonly certs: AcmeCertificates;
  readonly ca: CaService;

  constructor(d: AcmeServerDeps) {
    this.core = new AcmeCore(d.ds, d.clock, d.config.acme, d.audit, d.events, d.config.publicBaseUrl, d.serviceSecret);
    this.accounts = new AcmeAccounts(this.core);
    this.orders = new AcmeOrders(this.core, d.dcv);
    this.challenges = new AcmeChallenges(this.core, d.dcv);
    this.finalize = new AcmeFinalize(this.core, this.orders, d.dcv, d.issuance);
    this.certs = new AcmeCertificates(this.core, d.certificates, d.revocations);
    this.ca = d.ca;
  }

  /** RFC 8555 §7.1.1: the directory, with External Account Binding required and RFC 9773 renewalInfo. */
  directory(): Record<string, unknown> {
    const u = this.core.urls;
    return {
      newNonce: u.newNonce(),
      newAccount: u.newAccount(),
      newOrder: u.newOrder(),
      revokeCert: u.revokeCert(),
      keyChange: u.keyChange(),
      renewalInfo: u.renewalInfo(),
      meta: {
        termsOfService: u.terms(),
        website: this.core.urls.base.replace(/\/acme$/, ""),
        caaIdentities: this.core.settings.caaIssuerDomains,
        externalAccountRequired: true,
      },
    };
  }

  jobs(): JobSet {
    return {
      handlers: { [PRUNE_NONCES_JOB]: async (_job, tx) => this.core.nonces.prune(tx) },
      // One run clears every old nonce, so missed days are not run one by one ("latest").
      recurring: [dailyAtJst(PRUNE_NONCES_JOB, 4, 30, "latest")],
    };
  }
}
