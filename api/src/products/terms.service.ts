import { DataSource, LessThanOrEqual } from "typeorm";
import { Clock } from "../domain/clock";
import { TermsVersion } from "./terms-version.entity";
import { termsVersionInForce } from "./terms";

/** NOT-5: the published versions of the terms, for anyone to read. */
export class TermsService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly publicBaseUrl: string,
  ) {}

  /** The version applications must agree to now (APP-1). */
  inForce(): Promise<TermsVersion | null> {
    return termsVersionInForce(this.ds.manager, this.clock.now());
  }

  /** A published version by name (also one that takes effect later); null when none. */
  published(version: string): Promise<TermsVersion | null> {
    return this.ds.getRepository(TermsVersion).findOneBy({ version, publishedAt: LessThanOrEqual(this.clock.now()) });
  }

  documentUrl(version: string): string {
    return `${this.publicBaseUrl}/terms/${encodeURIComponent(version)}`;
  }
}
