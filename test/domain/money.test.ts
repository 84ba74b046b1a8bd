import { applyConsumptionTax, consumptionTaxRatePercent, invoiceTax } from "../../api/src/domain/money";

const jst = (s: string): Date => new Date(`${s}+09:00`);

describe("CON-8 consumption tax", () => {
  test.each([
    ["2026-04-01T00:00:00", 10],
    ["2019-10-01T00:00:00", 10],
    ["2019-09-30T23:59:59", 8],
    ["2014-04-01T00:00:00", 8],
    ["2014-03-31T23:59:59", 5],
    ["1997-04-01T00:00:00", 5],
    ["1997-03-31T23:59:59", 3],
  ])("CON-8: the rate in force at %s JST is %i %%", (at, rate) => {
    expect(consumptionTaxRatePercent(jst(at))).toBe(rate);
  });

  test("CON-8: the rate changes at 00:00 JST (2019-09-30T15:00Z), not at UTC midnight", () => {
    expect(consumptionTaxRatePercent(new Date("2019-09-30T14:59:59.999Z"))).toBe(8);
    expect(consumptionTaxRatePercent(new Date("2019-09-30T15:00:00.000Z"))).toBe(10);
  });

  test("CON-8: no rate before the table starts", () => {
    expect(() => consumptionTaxRatePercent(jst("1989-03-31T23:59:59"))).toThrow(RangeError);
  });

  test.each([
    [1999, "2026-04-01T00:00:00", 199, 2198],
    [250000, "2026-04-01T00:00:00", 25000, 275000],
    [1999, "2019-09-30T12:00:00", 159, 2158],
    [9, "2026-04-01T00:00:00", 0, 9],
    [10, "2026-04-01T00:00:00", 1, 11],
    [0, "2026-04-01T00:00:00", 0, 0],
    [123457, "2026-04-01T00:00:00", 12345, 135802],
  ])("CON-8: ¥%i at %s → tax ¥%i (fractions rounded down), total ¥%i", (price, at, tax, total) => {
    const r = applyConsumptionTax(price, jst(at));
    expect(r.taxYen).toBe(tax);
    expect(r.totalYen).toBe(total);
    expect(r.priceYen + r.taxYen).toBe(r.totalYen);
  });

  test("CON-8: amounts are integer yen", () => {
    expect(() => applyConsumptionTax(100.5, jst("2026-04-01T00:00:00"))).toThrow(RangeError);
    expect(() => applyConsumptionTax(-1, jst("2026-04-01T00:00:00"))).toThrow(RangeError);
  });

  test("CON-8: an invoice rounds once per rate on the group total", () => {
    const r = invoiceTax([
      { priceYen: 1999, taxPointAt: jst("2026-04-01T00:00:00") },
      { priceYen: 1999, taxPointAt: jst("2026-05-01T00:00:00") },
    ]);
    expect(r).toEqual({
      byRate: [{ priceYen: 3998, ratePercent: 10, taxYen: 399, totalYen: 4397 }],
      priceYen: 3998,
      taxYen: 399,
      totalYen: 4397,
    });
  });

  test("CON-8: an invoice spanning a rate change is split by rate", () => {
    const r = invoiceTax([
      { priceYen: 1000, taxPointAt: jst("2019-10-01T00:00:00") },
      { priceYen: 1000, taxPointAt: jst("2019-09-30T23:59:59") },
    ]);
    expect(r.byRate.map((g) => [g.ratePercent, g.taxYen])).toEqual([
      [8, 80],
      [10, 100],
    ]);
    expect(r.totalYen).toBe(2180);
  });
});
