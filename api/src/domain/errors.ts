/**
 * Result types shared by the domain rules.
 *
 * Business refusals are returned, never thrown: a refusal carries a stable SCREAMING_CASE `code`
 * that clients match on, plus English and Japanese messages for people. Programming errors
 * (a non-integer month count, an unparsable date string) throw `RangeError`/`TypeError` instead,
 * because no user input should ever reach a rule unvalidated.
 */

/** A business refusal. `C` is the union of codes a function can return. */
export interface Refusal<C extends string = string> {
  readonly ok: false;
  readonly code: C;
  readonly message: string;
  readonly messageJa: string;
}

/** Success with a payload merged in. */
export type Ok<T extends object = object> = { readonly ok: true } & T;

/** Either success with payload `T`, or a refusal with one of the codes `C` (plus extra fields `X`). */
export type Result<T extends object, C extends string, X extends object = object> = Ok<T> | (Refusal<C> & X);

export function ok<T extends object>(value: T): Ok<T> {
  return { ok: true, ...value };
}

export function refuse<C extends string, X extends object = object>(
  code: C,
  message: string,
  messageJa: string,
  extra?: X,
): Refusal<C> & X {
  return { ok: false, code, message, messageJa, ...(extra ?? ({} as X)) };
}
