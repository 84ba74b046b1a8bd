import { coversDisputedName, disputedNamesCovered, successionNoticeLate } from "../../api/src/domain";

test("CON-6: a succession notified within 30 days of it (the day itself not counted) is on time; a day later it is late", () => {
  expect(successionNoticeLate("2026-04-01", "2026-04-01")).toBe(false);
  expect(successionNoticeLate("2026-04-01", "2026-05-01")).toBe(false);
  expect(successionNoticeLate("2026-04-01", "2026-05-02")).toBe(true);
  expect(successionNoticeLate("2027-02-01", "2027-03-03")).toBe(false);
  expect(successionNoticeLate("2027-02-01", "2027-03-04")).toBe(true);
});

test("APP-6: a disputed name covers itself and every name below it, also through a wildcard", () => {
  expect(coversDisputedName("akashi-bank.jp", "akashi-bank.jp")).toBe(true);
  expect(coversDisputedName("www.akashi-bank.jp", "akashi-bank.jp")).toBe(true);
  expect(coversDisputedName("*.akashi-bank.jp", "akashi-bank.jp")).toBe(true);
  expect(coversDisputedName("*.akashi-demo.jp", "shop.akashi-demo.jp")).toBe(true); // the wildcard would cover the disputed name
  expect(coversDisputedName("*.akashi-demo.jp", "a.shop.akashi-demo.jp")).toBe(false);
  expect(coversDisputedName("akashi-demo.jp", "shop.akashi-demo.jp")).toBe(false);
  expect(coversDisputedName("notakashi-bank.jp", "akashi-bank.jp")).toBe(false);
  expect(disputedNamesCovered(["www.a.jp", "b.jp"], ["a.jp", "c.jp", "b.jp"])).toEqual(["a.jp", "b.jp"]);
});
