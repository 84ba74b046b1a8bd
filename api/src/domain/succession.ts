/**
 * CON-6 [S 6]: a successor by merger or split notifies within 30 days of the succession.
 */
import { JstDate, addDaysToDate, parseJstDate } from "./jst";

export const SUCCESSION_NOTICE_DAYS = 30;

/**
 * Whether the notice of a succession came late. "承継の日から30日以内": the day of the succession is
 * not counted (Civil Code art. 140, as for CON-2), so a succession on 2026-04-01 may be notified up
 * to and including 2026-05-01.
 */
export function successionNoticeLate(succeededOn: JstDate, notifiedOn: JstDate): boolean {
  parseJstDate(succeededOn);
  parseJstDate(notifiedOn);
  return notifiedOn > addDaysToDate(succeededOn, SUCCESSION_NOTICE_DAYS);
}
