import { plainTable } from "./report";

/**
 * One line of the benchmark's verdict: a measured figure beside its goal and the same-run baseline
 * it is compared with. Every section adds its lines here; `npm run bench` prints them all at the
 * end and a FAIL is printed, never hidden (issue 11).
 */
export interface GoalLine {
  /** What was measured, e.g. "OCSP GET, pre-signed (ratio to bare node:http)". */
  measure: string;
  /** The goal as written in the issue, e.g. "≥ 0.60" or "≤ 10 s". */
  goal: string;
  /** The same-run baseline or the figure before the change, as text ("bare 21,400 req/s", "698 s"). */
  baseline: string;
  /** The figure measured now, as text. */
  now: string;
  /** null: reported only (no goal to pass). */
  pass: boolean | null;
}

const lines: GoalLine[] = [];

export function recordGoal(line: GoalLine): void {
  lines.push(line);
}

/** At least `goal` (e.g. a ratio to bare Node, certificates per second). */
export function atLeast(
  measure: string,
  value: number,
  goal: number,
  baseline: string,
  unit = "",
  digits = 3,
): GoalLine {
  const line = {
    measure,
    goal: `≥ ${goal}${unit}`,
    baseline,
    now: `${value.toFixed(digits)}${unit}`,
    pass: Number.isFinite(value) && value >= goal,
  };
  recordGoal(line);
  return line;
}

/** At most `goal` (e.g. seconds, milliseconds, bytes). */
export function atMost(
  measure: string,
  value: number,
  goal: number,
  baseline: string,
  unit = "",
  digits = 2,
): GoalLine {
  const line = {
    measure,
    goal: `≤ ${goal}${unit}`,
    baseline,
    now: `${value.toFixed(digits)}${unit}`,
    pass: Number.isFinite(value) && value <= goal,
  };
  recordGoal(line);
  return line;
}

export function allGoals(): readonly GoalLine[] {
  return lines;
}

export function goalsTable(): string {
  return plainTable(
    "Goals (issues 10, 11, 14): measured now, beside the goal and the same-run baseline",
    ["measure", "goal", "baseline", "now", "verdict"],
    lines.map((l) => [l.measure, l.goal, l.baseline, l.now, l.pass === null ? "report" : l.pass ? "PASS" : "FAIL"]),
  );
}
