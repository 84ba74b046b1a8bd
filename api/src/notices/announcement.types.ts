import { Field, ObjectType } from "type-graphql";

@ObjectType({ description: "NOT-5: a published version of the terms." })
export class TermsVersionInfo {
  @Field({ description: "Version name, e.g. `2027-04`; applications give it as `consents.termsVersion`." })
  version!: string;
  @Field(() => Date, {
    description: "When this version takes effect (ISO 8601); applications can agree to it from then on (NOT-5).",
  })
  effectiveFrom!: Date;
  @Field(() => Date, { description: "When this version was published (ISO 8601)." })
  publishedAt!: Date;
  @Field({ description: "Where the text of the terms is published: an http(s) URL or a path on this site." })
  url!: string;
  @Field({ description: "NOT-5: the text in Japanese, as published (also at `/terms/{version}`)." })
  textJa!: string;
  @Field({ description: "NOT-5: the text in English, as published (also at `/terms/{version}?lang=en`)." })
  textEn!: string;
}
