/**
 * REV-5: the receipt number of a problem report — short enough to read out on the telephone
 * ("4827-1930"), digits only, with a check digit so that a misheard or swapped digit is caught when
 * the operator types it in. Built from a database sequence value, so two reports never share one.
 */

/** Sequence values below this get 7 scrambled digits + 1 check digit; later ones simply grow longer. */
const SCRAMBLED_RANGE = 10_000_000;
/** Coprime to 10^7, so n → (n·A + B) mod 10^7 is a bijection: unique, yet not a visible running count. */
const MULTIPLIER = 7_654_321;
const OFFSET = 3_141_593;

/** Luhn check digit of a string of digits. */
export function luhnCheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** True when the last digit is the Luhn check digit of the others (separators ignored). */
export function receiptNumberValid(text: string): boolean {
  const digits = text.replace(/[-\s]/g, "");
  return /^\d{8,}$/.test(digits) && luhnCheckDigit(digits.slice(0, -1)) === digits.slice(-1);
}

/** The receipt number for sequence value `n` (≥ 1): groups of four digits joined by "-". */
export function receiptNumber(n: number | bigint): string {
  const v = BigInt(n);
  if (v < 1n) throw new RangeError(`receipt sequence value must be positive, got ${v}`);
  const body =
    v < BigInt(SCRAMBLED_RANGE)
      ? String((v * BigInt(MULTIPLIER) + BigInt(OFFSET)) % BigInt(SCRAMBLED_RANGE)).padStart(7, "0")
      : String(v);
  const digits = body + luhnCheckDigit(body);
  return digits.match(/.{1,4}/g)?.join("-") ?? digits;
}
