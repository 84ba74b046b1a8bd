import { luhnCheckDigit, receiptNumber, receiptNumberValid } from "../../api/src/domain/receipt-number";

describe("REV-5: receipt numbers a person can read out on the telephone", () => {
  test("eight digits in two groups, the last a Luhn check digit", () => {
    for (const n of [1, 2, 3, 42, 9_999_999]) {
      const r = receiptNumber(n);
      expect(r).toMatch(/^\d{4}-\d{4}$/);
      expect(receiptNumberValid(r)).toBe(true);
    }
    expect(luhnCheckDigit("7992739871")).toBe("3"); // the textbook example
  });

  test("unique for every sequence value (a bijection over the first ten million), not a visible running count", () => {
    const seen = new Set<string>();
    for (let n = 1; n <= 200_000; n++) seen.add(receiptNumber(n));
    expect(seen.size).toBe(200_000);
    expect(receiptNumber(2)).not.toBe(receiptNumber(1).replace(/\d$/, "2"));
    expect(
      Math.abs(Number(receiptNumber(2).replace("-", "")) - Number(receiptNumber(1).replace("-", ""))),
    ).toBeGreaterThan(1000);
  });

  test("after ten million reports the numbers grow longer instead of repeating", () => {
    expect(receiptNumber(10_000_000)).toBe("1000-0000-" + luhnCheckDigit("10000000"));
    expect(receiptNumberValid(receiptNumber(123_456_789))).toBe(true);
  });

  test("a misheard digit or two swapped neighbours fail the check", () => {
    const r = receiptNumber(12345).replace("-", "");
    for (let i = 0; i < r.length; i++) {
      const wrong = r.slice(0, i) + String((Number(r[i]) + 1) % 10) + r.slice(i + 1);
      expect(receiptNumberValid(wrong)).toBe(false);
    }
    for (let i = 0; i + 1 < r.length; i++) {
      // Luhn's one blind spot is 09 ↔ 90; equal neighbours cannot be swapped.
      if (r[i] === r[i + 1] || `${r[i]}${r[i + 1]}` === "09" || `${r[i]}${r[i + 1]}` === "90") continue;
      const swapped = r.slice(0, i) + r[i + 1] + r[i] + r.slice(i + 2);
      expect(receiptNumberValid(swapped)).toBe(false);
    }
  });

  test("refuses a non-positive sequence value", () => {
    expect(() => receiptNumber(0)).toThrow(RangeError);
  });
});
