import { Field, ID, InterfaceType } from "type-graphql";

/** Relay `Node`: every object with a global ID can be fetched again through `node(id:)`. */
@InterfaceType({
  description: "An object with a global, opaque ID that `node(id:)` can fetch again.",
  resolveType: (value: object) => value.constructor.name,
})
export abstract class Node {
  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  nodeId!: string;
}
