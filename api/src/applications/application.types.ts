import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { Certificate } from "../certificates";
import { Connection } from "../graphql/relay";
import { UserError } from "../graphql/user-error";
import { Application } from "./application.entity";
import { DomainValidation, DomainValidationMethod } from "./domain-validation.entity";
import { RejectionGround } from "./review.service";
import { ProhibitedConduct } from "./prohibited-conduct";
import { BYO_RENEWED_CERTIFICATE } from "../graphql/rule-descriptions";

registerEnumType(RejectionGround, {
  name: "RejectionGround",
  description: "Why the operator refused an application (APP-4..APP-7).",
});

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
  @Field(() => ID, {
    description: "Global ID of the subscriber the certificate is for; must be one of the caller's own subscribers.",
  })
  subscriberId!: string;
  @Field(() => ID, { description: "Global ID of the product applied for (see `products`)." })
  productId!: string;
  @Field(() => Int, { description: "One of the product's term options, in months." })
  termMonths!: number;
  @Field(() => [String], { description: "DNS names; the first becomes the common name. IDNs in A-label (xn--) form." })
  names!: string[];
  @Field({ description: "PKCS#10 CSR in PEM; its names must be exactly `names` (APP-10)." })
  csr!: string;
  @Field(() => ConsentsInput, {
    description: "The terms version and consents agreed to (APP-1, NOT-5); missing consent is refused.",
  })
  consents!: ConsentsInput;
  @Field(() => String, {
    nullable: true,
    description:
      "VAL-3: a still-valid certificate (PEM, leaf first, then its chain) whose remaining whole months carry over.",
  })
  carryOverCertificate?: string | null;
  @Field(() => DomainValidationMethod, {
    nullable: true,
    description: "Domain-control method; default HTTP_FILE (wildcards always DNS_TXT).",
  })
  dcvMethod?: DomainValidationMethod | null;
  @Field(() => String, { nullable: true, description: "Retrying with the same key returns the first result." })
  idempotencyKey?: string | null;
}

/** What renewal, reissue and replacement share: they act on an existing contract with a new CSR. */
@InputType({ description: "Fields shared by applications that act on an existing contract." })
abstract class ContractApplicationInput {
  @Field(() => ID, { description: "Global ID of the contract this acts on." })
  contractId!: string;
  @Field({ description: "PKCS#10 CSR in PEM; its names must be exactly the names applied for (APP-10)." })
  csr!: string;
  @Field(() => [String], {
    nullable: true,
    description:
      "DNS names (A-labels); default: the current certificate's names. The first (the common name) must stay the same.",
  })
  names?: string[] | null;
  @Field(() => ConsentsInput, {
    description: "The terms version and consents agreed to (APP-1, NOT-5); missing consent is refused.",
  })
  consents!: ConsentsInput;
  @Field(() => DomainValidationMethod, {
    nullable: true,
    description: "Domain-control method; default HTTP_FILE (wildcards always DNS_TXT).",
  })
  dcvMethod?: DomainValidationMethod | null;
  @Field(() => String, {
    nullable: true,
    description: "Retrying with the same key returns the first result; reusing it for a different request is refused.",
  })
  idempotencyKey?: string | null;
}

@InputType({ description: "VAL-5: renew a contract inside its renewal window." })
export class SubmitRenewalInput extends ContractApplicationInput {
  @Field(() => Int, {
    description: "One of the product's term options, in months; the new term starts at the current expiry (VAL-5).",
  })
  termMonths!: number;
}

@InputType({ description: "VAL-4: reissue with the same common name; the new certificate keeps the current notAfter." })
export class SubmitReissueInput extends ContractApplicationInput {
  @Field({
    defaultValue: false,
    description: "Revoke the superseded certificate at once instead of after the grace period.",
  })
  revokeSupersededImmediately!: boolean;
}

@InputType({ description: "VAL-7: the next certificate of a long term, in the same contract and without a new fee." })
export class SubmitReplacementInput extends ContractApplicationInput {}

@InputType({ description: "VAL-8: manage a certificate the subscriber brings (not issued by Akashi)." })
export class ImportCertificateInput {
  @Field(() => ID, {
    description: "Global ID of the subscriber the certificate is for; must be one of the caller's own subscribers.",
  })
  subscriberId!: string;
  @Field(() => ID, { description: "Global ID of a bring-your-own management product (see `products`)." })
  productId!: string;
  @Field(() => Int, { nullable: true, description: "Term in months; null for unlimited." })
  termMonths?: number | null;
  @Field({ description: "The certificate in PEM (leaf first; a chain may follow)." })
  certificate!: string;
  @Field(() => ConsentsInput, {
    description: "The terms version and consents agreed to (APP-1, NOT-5); missing consent is refused.",
  })
  consents!: ConsentsInput;
  @Field(() => String, {
    nullable: true,
    description: "Retrying with the same key returns the first result; reusing it for a different request is refused.",
  })
  idempotencyKey?: string | null;
}

@InputType({ description: "CON-3, VAL-8: continue managing with the certificate the subscriber renewed itself." })
export class RenewImportedCertificateInput {
  @Field(() => ID, { description: "Global ID of the contract this acts on." })
  contractId!: string;
  @Field(() => Int, {
    nullable: true,
    description: "Term in months; null for unlimited. The certificate's validity must fit it (VAL-8).",
  })
  termMonths?: number | null;
  @Field({ description: BYO_RENEWED_CERTIFICATE })
  certificate!: string;
  @Field(() => ConsentsInput, {
    description: "The terms version and consents agreed to (APP-1, NOT-5); missing consent is refused.",
  })
  consents!: ConsentsInput;
  @Field(() => String, {
    nullable: true,
    description: "Retrying with the same key returns the first result; reusing it for a different request is refused.",
  })
  idempotencyKey?: string | null;
}

@InputType({ description: "A document, at most 5 MB: PDF, PNG or JPEG." })
export class DocumentInput {
  @Field({ description: "The file name, shown to the operator." })
  filename!: string;
  @Field({ description: "application/pdf, image/png or image/jpeg." })
  mediaType!: string;
  @Field({ description: "The file's bytes in base64." })
  contentBase64!: string;
}

@InputType({ description: "Input of upload documents." })
export class UploadDocumentsInput {
  @Field(() => ID, { description: "Global ID of the application." })
  applicationId!: string;
  @Field(() => [DocumentInput], { description: "The documents to send (each at most 5 MB: PDF, PNG or JPEG)." })
  documents!: DocumentInput[];
}

@InputType({ description: "Input of application id." })
export class ApplicationIdInput {
  @Field(() => ID, { description: "Global ID of the application." })
  applicationId!: string;
}

@InputType({ description: "Input of withdraw application." })
export class WithdrawApplicationInput {
  @Field(() => ID, { description: "Global ID of the application." })
  applicationId!: string;
  @Field(() => String, { nullable: true, description: "Why the applicant withdraws; recorded in the audit log." })
  reason?: string | null;
}

@InputType({ description: "APP-2: ask the applicant for documents or information." })
export class RequestDocumentsInput {
  @Field(() => ID, { description: "Global ID of the application." })
  applicationId!: string;
  @Field({ description: "What is needed, shown to the reseller." })
  message!: string;
  @Field(() => Int, { description: "Due after this many business days (CAL-1), at 18:00 JST." })
  dueInBusinessDays!: number;
}

@InputType({ description: "APP-2, APP-3: refuse an application; its documents are destroyed." })
export class RejectApplicationInput {
  @Field(() => ID, { description: "Global ID of the application." })
  applicationId!: string;
  @Field(() => RejectionGround, { description: "The ground of refusal (APP-4..APP-7)." })
  ground!: RejectionGround;
  @Field({ description: "Shown to the reseller with the notice of rejection." })
  reason!: string;
  @Field(() => [ProhibitedConduct], {
    nullable: true,
    description:
      "APP-7: with ground PROHIBITED_CONDUCT (required there), the conduct refused for; recorded with the decision.",
  })
  prohibitedConduct?: ProhibitedConduct[] | null;
}

@ObjectType({
  description: "Result of a mutation: the object it changed, or the userErrors that explain why nothing changed.",
})
export class ApplicationPayload {
  @Field(() => Application, {
    nullable: true,
    description: "The application as it now stands; null when the mutation was refused.",
  })
  application!: Application | null;
  @Field(() => [UserError], {
    description: "Business refusals; empty when the mutation succeeded (nothing is changed when it is not).",
  })
  userErrors!: UserError[];
}

@ObjectType({
  description: "Result of a mutation: the object it changed, or the userErrors that explain why nothing changed.",
})
export class ApproveApplicationPayload {
  @Field(() => Application, {
    nullable: true,
    description: "The application as it now stands; null when the mutation was refused.",
  })
  application!: Application | null;
  @Field(() => Certificate, { nullable: true, description: "The certificate issued on approval." })
  certificate!: Certificate | null;
  @Field(() => [UserError], {
    description: "Business refusals; empty when the mutation succeeded (nothing is changed when it is not).",
  })
  userErrors!: UserError[];
}

@ObjectType({
  description: "Result of a mutation: the object it changed, or the userErrors that explain why nothing changed.",
})
export class CheckDomainControlPayload {
  @Field(() => Application, {
    nullable: true,
    description: "The application as it now stands; null when the mutation was refused.",
  })
  application!: Application | null;
  @Field(() => [DomainValidation], { description: "The result for each name." })
  domainValidations!: DomainValidation[];
  @Field(() => [UserError], {
    description: "Business refusals; empty when the mutation succeeded (nothing is changed when it is not).",
  })
  userErrors!: UserError[];
}
