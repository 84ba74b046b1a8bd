import { Arg, Args, Ctx, Field, InputType, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import type { Context } from "../graphql/context";
import { Connection, PageArgs } from "../graphql/relay";
import { UserError, mutate } from "../graphql/user-error";
import { Announcement } from "./announcement.entity";

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
  @Field({ description: "Where the text is published: an http(s) URL or a path on this site." })
  url!: string;
}

@ObjectType({ description: "NOT-5: a published version of the terms." })
export class TermsVersionInfo {
  @Field()
  version!: string;
  @Field(() => Date)
  effectiveFrom!: Date;
  @Field(() => Date)
  publishedAt!: Date;
  @Field()
  url!: string;
}

@ObjectType()
export class AnnouncementPayload {
  @Field(() => Announcement, { nullable: true })
  announcement!: Announcement | null;
  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class PublishTermsVersionPayload {
  @Field(() => TermsVersionInfo, { nullable: true })
  termsVersion!: TermsVersionInfo | null;
  @Field(() => Announcement, { nullable: true })
  announcement!: Announcement | null;
  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType({ description: "A page of announcements, newest first." })
export class AnnouncementConnection extends Connection(Announcement) {}

@Resolver(() => Announcement)
export class AnnouncementResolver {
  @Query(() => AnnouncementConnection, { description: "Public: the operator's announcements (maintenance, end of service, terms), newest first." })
  announcements(@Args() args: PageArgs, @Ctx() ctx: Context): Promise<AnnouncementConnection> {
    return ctx.services.announcements.list(args);
  }

  @Mutation(() => AnnouncementPayload, { description: "Operator: announce planned maintenance in advance (NOT-3); every active reseller is e-mailed." })
  announceMaintenance(@Arg("input") input: AnnounceMaintenanceInput, @Ctx() ctx: Context): Promise<AnnouncementPayload> {
    return mutate(() => ctx.services.announcements.announceMaintenance(ctx, input), (announcement) => ({ announcement }));
  }

  @Mutation(() => AnnouncementPayload, { description: "Operator: announce the end of the whole service, at least 3 months ahead (NOT-4); every active reseller is e-mailed." })
  announceServiceEnd(@Arg("input") input: AnnounceServiceEndInput, @Ctx() ctx: Context): Promise<AnnouncementPayload> {
    return mutate(() => ctx.services.announcements.announceServiceEnd(ctx, input), (announcement) => ({ announcement }));
  }

  @Mutation(() => PublishTermsVersionPayload, { description: "Operator: publish a new version of the terms with its effective date (NOT-5); every active reseller is e-mailed." })
  publishTermsVersion(@Arg("input") input: PublishTermsVersionInput, @Ctx() ctx: Context): Promise<PublishTermsVersionPayload> {
    return mutate(() => ctx.services.announcements.publishTermsVersion(ctx, input), (r) => ({ termsVersion: r?.termsVersion ?? null, announcement: r?.announcement ?? null }));
  }
}
