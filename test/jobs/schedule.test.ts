import { hourly } from "../../api/src/jobs/schedule";

test("hourly: the next run is the start of the next hour, strictly after the given instant; the key names the JST hour of the run", () => {
  const job = hourly("tidy", "latest");
  expect(job.next(new Date("2026-12-04T14:59:59.999Z")).toISOString()).toBe("2026-12-04T15:00:00.000Z");
  // an instant on the hour is not its own next run
  expect(job.next(new Date("2026-12-04T15:00:00.000Z")).toISOString()).toBe("2026-12-04T16:00:00.000Z");
  // 15:00 UTC is midnight in Japan: the key is the next JST day's hour 00
  expect(job.key(new Date("2026-12-04T15:00:00.000Z"))).toBe("tidy:2026-12-05T00");
  expect(job.key(new Date("2026-12-04T14:00:00.000Z"))).toBe("tidy:2026-12-04T23");
  expect(job.catchUp).toBe("latest");
  expect(() => job.next(new Date(Number.NaN))).toThrow(TypeError);
});
