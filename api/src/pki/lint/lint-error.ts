/** One failed profile check; `id` follows the zlint/Boulder convention (e_ = refuses to sign, w_ = warning). */
export interface LintFailure {
  id: string;
  detail: string;
}

export interface LintResult {
  errors: LintFailure[];
  warnings: LintFailure[];
}

/**
 * Thrown instead of signing when a to-be-signed certificate or CRL breaks the profile: the signer was
 * never called, so nothing exists that would have to be revoked. Lists every failed check, not the first.
 */
export class LintError extends Error {
  readonly failures: readonly LintFailure[];
  readonly what: "certificate" | "CRL";

  constructor(what: "certificate" | "CRL", failures: LintFailure[]) {
    super(`refusing to sign the ${what}: ${failures.map((f) => `${f.id} (${f.detail})`).join("; ")}`);
    this.name = "LintError";
    this.what = what;
    this.failures = failures;
  }

  get ids(): string[] {
    return this.failures.map((f) => f.id);
  }
}

/** Collects failures; `check(cond, id, detail)` records `id` when `cond` is false. */
export class Findings {
  readonly errors: LintFailure[] = [];
  readonly warnings: LintFailure[] = [];

  error(id: string, detail: string): void {
    this.errors.push({ id, detail });
  }

  warn(id: string, detail: string): void {
    this.warnings.push({ id, detail });
  }

  check(ok: boolean, id: string, detail: string): void {
    if (!ok) this.error(id, detail);
  }

  result(): LintResult {
    return { errors: this.errors, warnings: this.warnings };
  }
}
