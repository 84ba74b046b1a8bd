/**
 * The one error type for business refusals. Services throw it inside their transaction (so nothing
 * is written), and the GraphQL layer turns it into a `userErrors` entry. Clients match on `code`.
 */
export enum RefusalCode {
  INVALID_INPUT = "INVALID_INPUT",
  NOT_FOUND = "NOT_FOUND",
  FORBIDDEN = "FORBIDDEN",
  CONFLICT = "CONFLICT",
}

export class RefusalError extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly field: string | null = null,
    readonly messageJa: string | null = null,
  ) {
    super(message);
    this.name = "RefusalError";
  }
}

export function refusal(code: RefusalCode, message: string, field: string | null = null, messageJa: string | null = null): RefusalError {
  return new RefusalError(code, message, field, messageJa);
}
