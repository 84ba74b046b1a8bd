import { ObjectType } from "type-graphql";
import { Connection } from "../graphql/relay";
import { Certificate } from "./certificate.entity";

@ObjectType({ description: "A page of certificates." })
export class CertificateConnection extends Connection(Certificate) {}
