import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { Certificate } from "../certificates";
import { Contract } from "../contracts";
import type { Context } from "../graphql/context";
import { idOfType } from "../ids";
import { PageArgs } from "../graphql/relay";
import { mutate } from "../graphql/user-error";
import { Product } from "../products";
import { Subscriber } from "../subscribers";
import { ApplicationDocument } from "./application-document.entity";
import { Application, ApplicationStatus } from "./application.entity";
import {
  ApplicationConnection,
  ApplicationIdInput,
  ApplicationPayload,
  ApproveApplicationPayload,
  CheckDomainControlPayload,
  ImportCertificateInput,
  RejectApplicationInput,
  RenewImportedCertificateInput,
  RequestDocumentsInput,
  SubmitApplicationInput,
  SubmitReissueInput,
  SubmitRenewalInput,
  SubmitReplacementInput,
  UploadDocumentsInput,
  WithdrawApplicationInput,
} from "./application.types";
import { DomainValidation, DomainValidationMethod, DomainValidationStatus } from "./domain-validation.entity";
import { type FailureCause, causeOf, dnsTxtName, httpFileUrl } from "../validation";
import { CaaCheck } from "./caa-check.entity";
import { CheckFailure, toCheckFailure } from "./check-failure.types";

/** Thin: global IDs in, services do the rest. */
@Resolver(() => Application)
export class ApplicationResolver {
  @Query(() => ApplicationConnection, { description: "Applications: a reseller its own, operators all; newest last." })
  applications(
    @Args() args: PageArgs,
    @Ctx() ctx: Context,
    @Arg("statuses", () => [ApplicationStatus], {
      nullable: true,
      description: "Only applications in one of these states; all when omitted.",
    })
    statuses?: ApplicationStatus[] | null,
  ): Promise<ApplicationConnection> {
    return ctx.services.applications.list(ctx, args, { statuses });
  }

  @Query(() => ApplicationConnection, {
    description: "Operator: open applications (submitted, under review, awaiting documents), oldest first.",
  })
  reviewQueue(@Args() args: PageArgs, @Ctx() ctx: Context): Promise<ApplicationConnection> {
    return ctx.services.review.queue(ctx, args);
  }

  // --- reseller ---

  @Mutation(() => ApplicationPayload, {
    description: "Reseller: apply for a new certificate for one of its subscribers.",
  })
  submitApplication(
    @Arg("input", { description: "What to do; see the input type." }) input: SubmitApplicationInput,
    @Ctx() ctx: Context,
  ): Promise<ApplicationPayload> {
    return mutate(
      () =>
        ctx.services.applications.submit(ctx, {
          ...input,
          subscriberId: idOfType(input.subscriberId, "Subscriber"),
          productId: idOfType(input.productId, "Product"),
        }),
      (application) => ({ application }),
    );
  }

  @Mutation(() => ApplicationPayload, { description: "Reseller: renew a contract inside its renewal window (VAL-5)." })
  submitRenewal(
    @Arg("input", { description: "What to do; see the input type." }) input: SubmitRenewalInput,
    @Ctx() ctx: Context,
  ): Promise<ApplicationPayload> {
    return mutate(
      () =>
        ctx.services.applications.submitRenewal(ctx, { ...input, contractId: idOfType(input.contractId, "Contract") }),
      (application) => ({ application }),
    );
  }

  @Mutation(() => ApplicationPayload, {
    description: "Reseller: reissue a certificate with the same common name (VAL-4).",
  })
  submitReissue(
    @Arg("input", { description: "What to do; see the input type." }) input: SubmitReissueInput,
    @Ctx() ctx: Context,
  ): Promise<ApplicationPayload> {
    return mutate(
      () =>
        ctx.services.applications.submitReissue(ctx, { ...input, contractId: idOfType(input.contractId, "Contract") }),
      (application) => ({ application }),
    );
  }

  @Mutation(() => ApplicationPayload, {
    description: "Reseller: the next certificate of a long term before the current one expires (VAL-7).",
  })
  submitReplacement(
    @Arg("input", { description: "What to do; see the input type." }) input: SubmitReplacementInput,
    @Ctx() ctx: Context,
  ): Promise<ApplicationPayload> {
    return mutate(
      () =>
        ctx.services.applications.submitReplacement(ctx, {
          ...input,
          contractId: idOfType(input.contractId, "Contract"),
        }),
      (application) => ({ application }),
    );
  }

  @Mutation(() => ApplicationPayload, {
    description: "Reseller: manage a certificate the subscriber brings (VAL-8). Takes effect at once.",
  })
  importCertificate(
    @Arg("input", { description: "What to do; see the input type." }) input: ImportCertificateInput,
    @Ctx() ctx: Context,
  ): Promise<ApplicationPayload> {
    return mutate(
      () =>
        ctx.services.imports.importCertificate(ctx, {
          ...input,
          termMonths: input.termMonths ?? null,
          subscriberId: idOfType(input.subscriberId, "Subscriber"),
          productId: idOfType(input.productId, "Product"),
        }),
      (application) => ({ application }),
    );
  }

  @Mutation(() => ApplicationPayload, {
    description: "Reseller: continue managing with a renewed bring-your-own certificate (CON-3, VAL-8).",
  })
  renewImportedCertificate(
    @Arg("input", { description: "What to do; see the input type." }) input: RenewImportedCertificateInput,
    @Ctx() ctx: Context,
  ): Promise<ApplicationPayload> {
    return mutate(
      () =>
        ctx.services.imports.renewImport(ctx, {
          ...input,
          termMonths: input.termMonths ?? null,
          contractId: idOfType(input.contractId, "Contract"),
        }),
      (application) => ({ application }),
    );
  }

  @Mutation(() => ApplicationPayload, { description: "Reseller: send the documents the operator asked for (APP-2)." })
  uploadDocuments(
    @Arg("input", { description: "What to do; see the input type." }) input: UploadDocumentsInput,
    @Ctx() ctx: Context,
  ): Promise<ApplicationPayload> {
    return mutate(
      () =>
        ctx.services.applications.uploadDocuments(ctx, idOfType(input.applicationId, "Application"), input.documents),
      (application) => ({ application }),
    );
  }

  @Mutation(() => ApplicationPayload, { description: "Reseller: withdraw an application still under review (APP-2)." })
  withdrawApplication(
    @Arg("input", { description: "What to do; see the input type." }) input: WithdrawApplicationInput,
    @Ctx() ctx: Context,
  ): Promise<ApplicationPayload> {
    return mutate(
      () => ctx.services.applications.withdraw(ctx, idOfType(input.applicationId, "Application"), input.reason ?? null),
      (application) => ({ application }),
    );
  }

  @Mutation(() => CheckDomainControlPayload, {
    description: "Run the domain-control checks of an application now (APP-9), after publishing the tokens.",
  })
  checkDomainControl(
    @Arg("input", { description: "What to do; see the input type." }) input: ApplicationIdInput,
    @Ctx() ctx: Context,
  ): Promise<CheckDomainControlPayload> {
    return mutate(
      () => ctx.services.applications.checkDomainControl(ctx, idOfType(input.applicationId, "Application")),
      (r) => ({ application: r?.application ?? null, domainValidations: r?.validations ?? [] }),
    );
  }

  // --- operator ---

  @Mutation(() => ApplicationPayload, { description: "Operator: take a submitted application for review." })
  startReview(
    @Arg("input", { description: "What to do; see the input type." }) input: ApplicationIdInput,
    @Ctx() ctx: Context,
  ): Promise<ApplicationPayload> {
    return mutate(
      () => ctx.services.review.startReview(ctx, idOfType(input.applicationId, "Application")),
      (application) => ({ application }),
    );
  }

  @Mutation(() => ApplicationPayload, { description: "Operator: ask for documents or information (APP-2)." })
  requestDocuments(
    @Arg("input", { description: "What to do; see the input type." }) input: RequestDocumentsInput,
    @Ctx() ctx: Context,
  ): Promise<ApplicationPayload> {
    return mutate(
      () =>
        ctx.services.review.requestDocuments(
          ctx,
          idOfType(input.applicationId, "Application"),
          input.message,
          input.dueInBusinessDays,
        ),
      (application) => ({ application }),
    );
  }

  @Mutation(() => ApproveApplicationPayload, {
    description: "Operator: approve; the certificate and its contract are issued at once (CON-1).",
  })
  approveApplication(
    @Arg("input", { description: "What to do; see the input type." }) input: ApplicationIdInput,
    @Ctx() ctx: Context,
  ): Promise<ApproveApplicationPayload> {
    return mutate(
      () => ctx.services.review.approve(ctx, idOfType(input.applicationId, "Application")),
      (r) => ({ application: r?.application ?? null, certificate: r?.certificate ?? null }),
    );
  }

  @Mutation(() => ApplicationPayload, {
    description: "Operator: reject with a ground and a reason; documents are destroyed (APP-3).",
  })
  rejectApplication(
    @Arg("input", { description: "What to do; see the input type." }) input: RejectApplicationInput,
    @Ctx() ctx: Context,
  ): Promise<ApplicationPayload> {
    return mutate(
      () =>
        ctx.services.review.reject(
          ctx,
          idOfType(input.applicationId, "Application"),
          input.ground,
          input.reason,
          input.prohibitedConduct ?? null,
        ),
      (application) => ({ application }),
    );
  }

  // --- fields ---

  @FieldResolver(() => Subscriber, {
    nullable: true,
    description: "The subscriber the certificate is for; null if the caller may not see it.",
  })
  subscriber(@Root() a: Application, @Ctx() ctx: Context): Promise<Subscriber | null> {
    return ctx.services.subscribers.get(ctx, a.subscriberId);
  }

  @FieldResolver(() => Product, { description: "The product applied for." })
  async product(@Root() a: Application, @Ctx() ctx: Context): Promise<Product> {
    return (await ctx.services.products.get(ctx, a.productId))!;
  }

  @FieldResolver(() => Contract, {
    nullable: true,
    description:
      "The contract this application created (new, renewal, import), else the one it acts on (reissue, replacement, or a renewal not yet issued).",
  })
  async contract(@Root() a: Application, @Ctx() ctx: Context): Promise<Contract | null> {
    const [created] = await ctx.loaders.manyBy(Contract, "applicationId").load(a.id);
    const id = created?.id ?? a.contractId;
    return id ? ctx.services.contracts.get(ctx, id) : null;
  }

  @FieldResolver(() => Certificate, { nullable: true, description: "The certificate issued for this application." })
  async certificate(@Root() a: Application, @Ctx() ctx: Context): Promise<Certificate | null> {
    const issued = await ctx.loaders.manyBy(Certificate, "applicationId").load(a.id);
    return issued[0] ? ctx.services.certificates.get(ctx, issued[0].id) : null;
  }

  @FieldResolver(() => [ApplicationDocument], {
    description: "Documents submitted for review (APP-2); their content is destroyed on rejection (APP-3).",
  })
  documents(@Root() a: Application, @Ctx() ctx: Context): Promise<ApplicationDocument[]> {
    return ctx.services.applications.documents(ctx, a);
  }

  @FieldResolver(() => [DomainValidation], {
    description: "APP-9: the validation each name stands on (its own challenge, or a reusable earlier one).",
  })
  domainValidations(@Root() a: Application, @Ctx() ctx: Context): Promise<DomainValidation[]> {
    return ctx.services.domainValidations.forApplication(ctx, a);
  }
}

@Resolver(() => DomainValidation)
export class DomainValidationResolver {
  @FieldResolver(() => String, { nullable: true, description: "HTTP_FILE: the URL that must serve the token." })
  httpUrl(@Root() v: DomainValidation): string | null {
    return v.method === DomainValidationMethod.HTTP_FILE ? httpFileUrl(v.name, v.token) : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "DNS_TXT: the name whose TXT record must hold the token.",
  })
  dnsRecordName(@Root() v: DomainValidation): string | null {
    return v.method === DomainValidationMethod.DNS_TXT ? dnsTxtName(v.name) : null;
  }

  @FieldResolver(() => CheckFailure, {
    nullable: true,
    description:
      "Why the latest check failed (status FAILED): HTTP status, content mismatch, timeout, DNS response code …; null otherwise.",
  })
  failure(@Root() v: DomainValidation): CheckFailure | null {
    return v.status === DomainValidationStatus.FAILED ? toCheckFailure(v.evidence?.cause ?? legacyCause(v)) : null;
  }

  @FieldResolver(() => CaaCheck, {
    nullable: true,
    description:
      "APP-11: the newest CAA look-up of this name (made with the domain-control check and before approval); null before the first.",
  })
  caa(@Root() v: DomainValidation, @Ctx() ctx: Context): Promise<CaaCheck | null> {
    return ctx.services.domainValidations.latestCaa(ctx, v);
  }
}

/** Rows checked before causes were recorded carry only the failure code. */
function legacyCause(v: DomainValidation): FailureCause | null {
  const failure = v.evidence?.failure;
  return failure && v.evidence ? causeOf(failure, v.evidence, v.evidence.detail ?? failure) : null;
}

@Resolver(() => CaaCheck)
export class CaaCheckResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description:
      "The name whose CAA record set decided (RFC 8659 tree climbing); null when no name up the tree has one.",
  })
  relevantName(@Root() c: CaaCheck): string | null {
    return c.evidence.relevantName ?? null;
  }

  @FieldResolver(() => [String], {
    description: 'The CAA records of the relevant name, in presentation form (`0 issue "ca.example"`).',
  })
  records(@Root() c: CaaCheck): string[] {
    return c.evidence.records ?? [];
  }

  @FieldResolver(() => CheckFailure, {
    nullable: true,
    description: "Why issuance is not permitted (REFUSED or FAILED); null when PERMITTED.",
  })
  failure(@Root() c: CaaCheck): CheckFailure | null {
    return toCheckFailure(c.evidence.cause);
  }
}
