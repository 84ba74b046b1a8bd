import {
  Arg,
  Args,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import { Certificate } from "../certificates";
import type { Context } from "../graphql/context";
import { idOfType } from "../ids";
import { Connection, PageArgs } from "../graphql/relay";
import { UserError, mutate } from "../graphql/user-error";
import { RevocationReasonValue } from "../revocations";
import { RevocationPayload } from "../revocations";
import { NameDispute } from "./name-dispute.entity";

@ObjectType({ description: "A page of name disputes." })
export class NameDisputeConnection extends Connection(NameDispute) {}

@InputType({ description: "APP-6: record a trademark or name dispute against names, a certificate, or both." })
export class OpenNameDisputeInput {
  @Field(() => [String], { nullable: true, description: "The disputed names (each covers the names below it)." })
  names?: string[] | null;
  @Field(() => ID, { nullable: true, description: "A certificate the dispute is about; its names are added." })
  certificateId?: string | null;
  @Field({ description: "Who claims the right." })
  claimant!: string;
  @Field({ description: "What the dispute is about." })
  description!: string;
  @Field({
    defaultValue: true,
    description: "Refuse applications for these names while the dispute is open (APP-6: the operator may).",
  })
  refuseApplications!: boolean;
}

@InputType({ description: "APP-6: close a dispute." })
export class CloseNameDisputeInput {
  @Field(() => ID, { description: "Global ID of the dispute." })
  disputeId!: string;
  @Field({ description: "How it ended." })
  resolution!: string;
}

@InputType({ description: "APP-6, REV-4: revoke a certificate that carries a name of an open dispute." })
export class RevokeForDisputeInput {
  @Field(() => ID, { description: "Global ID of the open dispute." })
  disputeId!: string;
  @Field(() => ID, { description: "Global ID of the certificate." })
  certificateId!: string;
  @Field(() => RevocationReasonValue, {
    defaultValue: RevocationReasonValue.PRIVILEGE_WITHDRAWN,
    description: "Any reason REV-1 allows the operator; default PRIVILEGE_WITHDRAWN.",
  })
  reason!: RevocationReasonValue;
}

@ObjectType({ description: "Result of a dispute mutation." })
export class NameDisputePayload {
  @Field(() => NameDispute, { nullable: true, description: "The dispute as it now stands; null when refused." })
  dispute!: NameDispute | null;
  @Field(() => [UserError], { description: "Business refusals; empty on success." })
  userErrors!: UserError[];
}

@Resolver(() => NameDispute)
export class NameDisputeResolver {
  @Mutation(() => NameDisputePayload, {
    description:
      "APP-6: the operator records a trademark or name dispute; the same open dispute recorded again is the first one.",
  })
  openNameDispute(
    @Arg("input", { description: "The dispute; see the input type." }) input: OpenNameDisputeInput,
    @Ctx() ctx: Context,
  ): Promise<NameDisputePayload> {
    return mutate(
      () =>
        ctx.services.disputes.open(ctx, {
          names: input.names ?? null,
          certificateId: input.certificateId
            ? (idOfType(input.certificateId, "Certificate") ?? "00000000-0000-0000-0000-000000000000")
            : null,
          claimant: input.claimant,
          description: input.description,
          refuseApplications: input.refuseApplications,
        }),
      (dispute) => ({ dispute }),
    );
  }

  @Mutation(() => NameDisputePayload, {
    description: "APP-6: close a dispute; applications for its names are accepted again.",
  })
  closeNameDispute(
    @Arg("input", { description: "Which dispute; see the input type." }) input: CloseNameDisputeInput,
    @Ctx() ctx: Context,
  ): Promise<NameDisputePayload> {
    return mutate(
      () => ctx.services.disputes.close(ctx, idOfType(input.disputeId, "NameDispute"), input.resolution),
      (dispute) => ({ dispute }),
    );
  }

  @Mutation(() => RevocationPayload, {
    description:
      "APP-6, REV-4: revoke a certificate carrying a name of an open dispute (operator); the audit entry cites the " +
      "dispute.",
  })
  revokeForDispute(
    @Arg("input", { description: "What to revoke; see the input type." }) input: RevokeForDisputeInput,
    @Ctx() ctx: Context,
  ): Promise<RevocationPayload> {
    return mutate(
      () =>
        ctx.services.disputes.revoke(ctx, {
          disputeId: idOfType(input.disputeId, "NameDispute"),
          certificateId: idOfType(input.certificateId, "Certificate"),
          reason: input.reason,
        }),
      (r) => ({
        certificate: r?.certificate ?? null,
        revocation: r?.revocation ?? null,
        alreadyRevoked: r?.alreadyRevoked ?? false,
      }),
    );
  }

  @Query(() => NameDisputeConnection, { description: "APP-6: recorded disputes, oldest first (operator)." })
  nameDisputes(
    @Args() page: PageArgs,
    @Ctx() ctx: Context,
    @Arg("openOnly", { defaultValue: false, description: "Only disputes still open." }) openOnly: boolean,
  ): Promise<NameDisputeConnection> {
    return ctx.services.disputes.list(ctx, page, openOnly);
  }

  @FieldResolver(() => Certificate, { nullable: true, description: "The certificate the dispute is about, if any." })
  certificate(@Root() d: NameDispute, @Ctx() ctx: Context): Promise<Certificate | null> {
    return d.certificateId ? ctx.services.certificates.get(ctx, d.certificateId) : Promise.resolve(null);
  }
}
