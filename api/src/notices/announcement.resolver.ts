import { Arg, Args, Ctx, Field, InputType, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { TermsVersionInfo } from "./announcement.types";
import type { Context } from "../graphql/context";
import { Connection, PageArgs } from "../graphql/relay";
import { UserError, mutate } from "../graphql/user-error";
import { Announcement } from "./announcement.entity";
import { SERVICE_END_NOTICE_MONTHS } from "./announcement.service";

@InputType({ description: "NOT-3: planned maintenance, announced before it starts." })
export class AnnounceMaintenanceInput {
  @Field({ description: "The reason, as a headline (1-200 characters)." })
  title!: string;
  @Field({ description: "Details: what is affected and how (1-10000 characters)." })
  body!: string;
  @Field(() => Date, { description: "Start of the period; must be in the future." })
  startsAt!: Date;
  @Field(() => Date, { description: "End of the period." })
  endsAt!: Date;
}

@InputType({ description: "NOT-4: the end of the whole service, at least 3 calendar months ahead (JST)." })
export class AnnounceServiceEndInput {
  @Field(() => Date, { description: "When the service ends." })
  endsAt!: Date;
  @Field({ description: "What happens to certificates and contracts (1-10000 characters)." })
  body!: string;
}

@InputType({ description: "NOT-5: a new version of the terms with its effective date." })
export class PublishTermsVersionInput {
  @Field({ description: "Version name, unique, e.g. `2027-04`." })
  version!: string;
  @Field(() => Date, { description: "When it takes effect: now or later. Applications can agree to it from then on." })
  effectiveFrom!: Date;
  @Field(() => String, {
    nullable: true,
    description:
      "Where else the text is published (an http(s) URL or a path on this site); default `/terms/{version}`.",
  })
  url?: string | null;
  @Field({ description: "NOT-5: the full text in Japanese, served at `/terms/{version}` exactly as given." })
  textJa!: string;
  @Field({ description: "NOT-5: the full text in English, served at `/terms/{version}?lang=en` exactly as given." })
  textEn!: string;
}

@ObjectType({
  description: "Result of a mutation: the object it changed, or the userErrors that explain why nothing changed.",
})
export class AnnouncementPayload {
  @Field(() => Announcement, {
    nullable: true,
    description: "The announcement published; null when the mutation was refused.",
  })
  announcement!: Announcement | null;
  @Field(() => [UserError], {
    description: "Business refusals; empty when the mutation succeeded (nothing is changed when it is not).",
  })
  userErrors!: UserError[];
}

@ObjectType({
  description: "Result of a mutation: the object it changed, or the userErrors that explain why nothing changed.",
})
export class PublishTermsVersionPayload {
  @Field(() => TermsVersionInfo, {
    nullable: true,
    description: "The terms version published; null when the mutation was refused.",
  })
  termsVersion!: TermsVersionInfo | null;
  @Field(() => Announcement, {
    nullable: true,
    description: "The TERMS_CHANGE announcement made for it; null when the mutation was refused.",
  })
  announcement!: Announcement | null;
  @Field(() => [UserError], {
    description: "Business refusals; empty when the mutation succeeded (nothing is changed when it is not).",
  })
  userErrors!: UserError[];
}

@ObjectType({ description: "A page of announcements, newest first." })
export class AnnouncementConnection extends Connection(Announcement) {}

@Resolver(() => Announcement)
export class AnnouncementResolver {
  @Query(() => AnnouncementConnection, {
    description: "Public: the operator's announcements (maintenance, end of service, terms), newest first.",
  })
  announcements(@Args() args: PageArgs, @Ctx() ctx: Context): Promise<AnnouncementConnection> {
    return ctx.services.announcements.list(args);
  }

  @Mutation(() => AnnouncementPayload, {
    description: "Operator: announce planned maintenance in advance (NOT-3); every active reseller is e-mailed.",
  })
  announceMaintenance(
    @Arg("input", { description: "What to do; see the input type." }) input: AnnounceMaintenanceInput,
    @Ctx() ctx: Context,
  ): Promise<AnnouncementPayload> {
    return mutate(
      () => ctx.services.announcements.announceMaintenance(ctx, input),
      (announcement) => ({ announcement }),
    );
  }

  @Mutation(() => AnnouncementPayload, {
    description: `Operator: announce the end of the whole service, at least ${SERVICE_END_NOTICE_MONTHS} months ahead (NOT-4); every active reseller is e-mailed.`,
  })
  announceServiceEnd(
    @Arg("input", { description: "What to do; see the input type." }) input: AnnounceServiceEndInput,
    @Ctx() ctx: Context,
  ): Promise<AnnouncementPayload> {
    return mutate(
      () => ctx.services.announcements.announceServiceEnd(ctx, input),
      (announcement) => ({ announcement }),
    );
  }

  @Mutation(() => PublishTermsVersionPayload, {
    description:
      "Operator: publish a new version of the terms with its effective date (NOT-5); every active reseller is e-mailed.",
  })
  publishTermsVersion(
    @Arg("input", { description: "What to do; see the input type." }) input: PublishTermsVersionInput,
    @Ctx() ctx: Context,
  ): Promise<PublishTermsVersionPayload> {
    return mutate(
      () => ctx.services.announcements.publishTermsVersion(ctx, input),
      (r) => ({ termsVersion: r?.termsVersion ?? null, announcement: r?.announcement ?? null }),
    );
  }
}
