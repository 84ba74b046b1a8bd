import { ApplicationDocument } from "../applications/application-document.entity";
import { Application } from "../applications/application.entity";
import { Consent } from "../applications/consent.entity";
import { DomainValidation } from "../applications/domain-validation.entity";
import { AuditEvent } from "../audit/audit-event.entity";
import { ApiKey } from "../auth/api-key.entity";
import { CertificateAuthority } from "../certificates/certificate-authority.entity";
import { Certificate } from "../certificates/certificate.entity";
import { Crl } from "../certificates/crl.entity";
import { Contract } from "../contracts/contract.entity";
import { Charge } from "../fees/charge.entity";
import { Job } from "../jobs/job.entity";
import { Announcement } from "../notices/announcement.entity";
import { Notice } from "../notices/notice.entity";
import { ProductPrice } from "../products/product-price.entity";
import { Product } from "../products/product.entity";
import { TaxRate } from "../products/tax-rate.entity";
import { TermsVersion } from "../products/terms-version.entity";
import { ResellerCureNotice } from "../resellers/cure-notice.entity";
import { Reseller } from "../resellers/reseller.entity";
import { ResellerSuspension } from "../resellers/suspension.entity";
import { ResellerAcmeApplication } from "../resellers/acme-application.entity";
import { ResellerRegistrationChange } from "../resellers/registration-change.entity";
import { ResellerTermination } from "../resellers/termination.entity";
import { MassRevocation } from "../revocations/mass-revocation.entity";
import { ProblemReport } from "../revocations/problem-report.entity";
import { Revocation } from "../revocations/revocation.entity";
import { Seal } from "../seals/seal.entity";
import { SubscriberContact } from "../subscribers/subscriber-contact.entity";
import { Subscriber } from "../subscribers/subscriber.entity";
import { catalogueEntities } from "../catalogue-entities";
import { acmeEntities } from "../acme/acme-entities";

/** Every TypeORM entity; the schema itself comes from migrations/ only. */
export const entities = [
  Product,
  ProductPrice,
  TaxRate,
  TermsVersion,
  Reseller,
  ResellerCureNotice,
  ResellerSuspension,
  ResellerRegistrationChange,
  ResellerAcmeApplication,
  ResellerTermination,
  ApiKey,
  Subscriber,
  SubscriberContact,
  CertificateAuthority,
  Application,
  Consent,
  ApplicationDocument,
  DomainValidation,
  Contract,
  Certificate,
  ProblemReport,
  MassRevocation,
  Revocation,
  Crl,
  Seal,
  Notice,
  Announcement,
  Charge,
  Job,
  AuditEvent,
  ...catalogueEntities,
  ...acmeEntities,
];
