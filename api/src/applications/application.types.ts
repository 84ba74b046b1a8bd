import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { Certificate } from "../certificates/certificate.entity";
import { Connection } from "../graphql/relay";
import { UserError } from "../graphql/user-error";
import { Application } from "./application.entity";
import { DomainValidation, DomainValidationMethod } from "./domain-validation.entity";
import { RejectionGround } from "./review.service";

registerEnumType(RejectionGround, { name: "RejectionGround", description: "Why the operator refused an application (APP-4..APP-7)." });

@ObjectType({ description: "A page of applications." })
export class ApplicationConnection extends Connection(Application) {}

@InputType({ description: "APP-1, NOT-5: what the applicant agreed to." })
export class ConsentsInput {
  @Field({ description: "Version of the terms agreed to, e.g. `2026-04`." })
  termsVersion!: string;
  @Field({ description: "The domain registrant consents to the use of its registration data." })
  registrantDataUse!: boolean;
  @Field({ description: "Every person whose personal data is supplied has consented." })
  dataSubjects!: boolean;
}

@InputType({ description: "A new certificate." })
export class SubmitApplicationInput {
  @Field(() => ID)
  subscriberId!: string;
  @Field(() => ID)
  productId!: string;
  @Field(() => Int, { description: "One of the product's term options, in months." })
  termMonths!: number;
  @Field(() => [String], { description: "DNS names; the first becomes the common name. IDNs in A-label (xn--) form." })
  names!: string[];
  @Field({ description: "PKCS#10 CSR in PEM; its names must be exactly `names` (APP-10)." })
  csr!: string;
  @Field(() => ConsentsInput)
  consents!: ConsentsInput;
  @Field(() => String, { nullable: true, description: "VAL-3: a still-valid certificate (PEM, leaf first, then its chain) whose remaining whole months carry over." })
  carryOverCertificate?: string | null;
  @Field(() => DomainValidationMethod, { nullable: true, description: "Domain-control method; default HTTP_FILE (wildcards always DNS_TXT)." })
  dcvMethod?: DomainValidationMethod | null;
  @Field(() => String, { nullable: true, description: "Retrying with the same key returns the first result." })
  idempotencyKey?: string | null;
}

@InputType({ description: "VAL-5: renew a contract inside its renewal window." })
export class SubmitRenewalInput {
  @Field(() => ID)
  contractId!: string;
  @Field(() => Int)
  termMonths!: number;
  @Field()
  csr!: string;
  @Field(() => [String], { nullable: true, description: "Default: the current certificate's names. The first must stay the same." })
  names?: string[] | null;
  @Field(() => ConsentsInput)
  consents!: ConsentsInput;
  @Field(() => DomainValidationMethod, { nullable: true })
  dcvMethod?: DomainValidationMethod | null;
  @Field(() => String, { nullable: true })
  idempotencyKey?: string | null;
}

@InputType({ description: "VAL-4: reissue with the same common name; the new certificate keeps the current notAfter." })
export class SubmitReissueInput {
  @Field(() => ID)
  contractId!: string;
  @Field()
  csr!: string;
  @Field(() => [String], { nullable: true })
  names?: string[] | null;
  @Field(() => ConsentsInput)
  consents!: ConsentsInput;
  @Field({ defaultValue: false, description: "Revoke the superseded certificate at once instead of after the grace period." })
  revokeSupersededImmediately!: boolean;
  @Field(() => DomainValidationMethod, { nullable: true })
  dcvMethod?: DomainValidationMethod | null;
  @Field(() => String, { nullable: true })
  idempotencyKey?: string | null;
}

@InputType({ description: "VAL-7: the next certificate of a long term, in the same contract and without a new fee." })
export class SubmitReplacementInput {
  @Field(() => ID)
  contractId!: string;
  @Field()
  csr!: string;
  @Field(() => [String], { nullable: true })
  names?: string[] | null;
  @Field(() => ConsentsInput)
  consents!: ConsentsInput;
  @Field(() => DomainValidationMethod, { nullable: true })
  dcvMethod?: DomainValidationMethod | null;
  @Field(() => String, { nullable: true })
  idempotencyKey?: string | null;
}

@InputType({ description: "VAL-8: manage a certificate the subscriber brings (not issued by Akashi)." })
export class ImportCertificateInput {
  @Field(() => ID)
  subscriberId!: string;
  @Field(() => ID)
  productId!: string;
  @Field(() => Int, { nullable: true, description: "Term in months; null for unlimited." })
  termMonths?: number | null;
  @Field({ description: "The certificate in PEM (leaf first; a chain may follow)." })
  certificate!: string;
  @Field(() => ConsentsInput)
  consents!: ConsentsInput;
  @Field(() => String, { nullable: true })
  idempotencyKey?: string | null;
}

@InputType({ description: "CON-3, VAL-8: continue managing with the certificate the subscriber renewed itself." })
export class RenewImportedCertificateInput {
  @Field(() => ID)
  contractId!: string;
  @Field(() => Int, { nullable: true })
  termMonths?: number | null;
  @Field()
  certificate!: string;
  @Field(() => ConsentsInput)
  consents!: ConsentsInput;
  @Field(() => String, { nullable: true })
  idempotencyKey?: string | null;
}

@InputType({ description: "A document, at most 5 MB: PDF, PNG or JPEG." })
export class DocumentInput {
  @Field()
  filename!: string;
  @Field({ description: "application/pdf, image/png or image/jpeg." })
  mediaType!: string;
  @Field({ description: "The file's bytes in base64." })
  contentBase64!: string;
}

@InputType()
export class UploadDocumentsInput {
  @Field(() => ID)
  applicationId!: string;
  @Field(() => [DocumentInput])
  documents!: DocumentInput[];
}

@InputType()
export class ApplicationIdInput {
  @Field(() => ID)
  applicationId!: string;
}

@InputType()
export class WithdrawApplicationInput {
  @Field(() => ID)
  applicationId!: string;
  @Field(() => String, { nullable: true })
  reason?: string | null;
}

@InputType({ description: "APP-2: ask the applicant for documents or information." })
export class RequestDocumentsInput {
  @Field(() => ID)
  applicationId!: string;
  @Field({ description: "What is needed, shown to the reseller." })
  message!: string;
  @Field(() => Int, { description: "Due after this many business days (CAL-1), at 18:00 JST." })
  dueInBusinessDays!: number;
}

@InputType({ description: "APP-2, APP-3: refuse an application; its documents are destroyed." })
export class RejectApplicationInput {
  @Field(() => ID)
  applicationId!: string;
  @Field(() => RejectionGround)
  ground!: RejectionGround;
  @Field({ description: "Shown to the reseller with the notice of rejection." })
  reason!: string;
}

@ObjectType()
export class ApplicationPayload {
  @Field(() => Application, { nullable: true })
  application!: Application | null;
  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class ApproveApplicationPayload {
  @Field(() => Application, { nullable: true })
  application!: Application | null;
  @Field(() => Certificate, { nullable: true, description: "The certificate issued on approval." })
  certificate!: Certificate | null;
  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class CheckDomainControlPayload {
  @Field(() => Application, { nullable: true })
  application!: Application | null;
  @Field(() => [DomainValidation], { description: "The result for each name." })
  domainValidations!: DomainValidation[];
  @Field(() => [UserError])
  userErrors!: UserError[];
}
