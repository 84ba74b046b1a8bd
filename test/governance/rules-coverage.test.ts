import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * Every rule in RULES.md has at least one test named after it (RULES.md: "has a test named after
 * it"), so a new rule without a test fails the suite. The repository carries its own copy of the
 * rules (docs/RULES.md), because CI clones the repository alone; where the shared original is
 * beside it (../shared/spec/RULES.md), the copy must equal it.
 */
const ROOT = join(__dirname, "../..");
const COPY = join(ROOT, "docs/RULES.md");
const SHARED = join(ROOT, "../shared/spec/RULES.md");

/**
 * Owned by parallel work this round: their tests arrive with those branches, and the lead empties
 * this list at merge time. Nothing else may be on it — every other rule needs its test here and now.
 * (APP-12 left the list when main brought its tests; an ID leaves as soon as a test names it.)
 */
const OWNED_BY_PARALLEL_WORK = [
  // CAA before every issuance (the names work)
  "APP-11",
  // the ACME variant (the acme branch)
  "ACME-1",
  "ACME-2",
  "ACME-3",
  "ACME-4",
  "ACME-5",
  "ACME-6",
  "ACME-7",
  "ACME-8",
];

/** The only rules that were ever allowed on that list this round. */
const PARALLEL_THIS_ROUND = [
  "APP-11",
  "APP-12",
  "ACME-1",
  "ACME-2",
  "ACME-3",
  "ACME-4",
  "ACME-5",
  "ACME-6",
  "ACME-7",
  "ACME-8",
];

function ruleIds(markdown: string): string[] {
  return [...markdown.matchAll(/^- \*\*([A-Z]+-\d+)\*\*/gm)].map((m) => m[1]);
}

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith(".test.ts") ? [path] : [];
  });
}

/** The names given to test(), it() and describe() (with .each/.skip/.only …), as written in the source. */
function testNames(source: string): string[] {
  const call =
    /\b(?:test|it|describe)(?:\.(?:each\([\s\S]*?\)|only|skip|concurrent|failing))*\(\s*(["'`])((?:\\.|(?!\1)[\s\S])*?)\1/g;
  return [...source.matchAll(call)].map((m) => m[2]);
}

const rules = ruleIds(readFileSync(COPY, "utf8"));
const names = testFiles(join(ROOT, "test")).flatMap((f) =>
  testNames(readFileSync(f, "utf8")).map((name) => ({ file: relative(ROOT, f), name })),
);
const named = (id: string) => names.filter((n) => new RegExp(`(^|[^A-Z0-9-])${id}(?![0-9])`).test(n.name));

test("docs/RULES.md lists the rules, and the scan finds this project's tests", () => {
  expect(rules.length).toBeGreaterThanOrEqual(70);
  expect(new Set(rules).size).toBe(rules.length);
  expect(named("VAL-2").length).toBeGreaterThan(0);
});

test("every rule ID in RULES.md has at least one test named after it", () => {
  const missing = rules.filter((id) => !OWNED_BY_PARALLEL_WORK.includes(id) && named(id).length === 0);
  expect(missing).toEqual([]);
});

test("the parallel-work list holds only rules that exist and still lack a test", () => {
  for (const id of OWNED_BY_PARALLEL_WORK) {
    expect(rules).toContain(id);
    expect(PARALLEL_THIS_ROUND).toContain(id);
  }
  // Once a branch lands its tests the ID must leave the list, so the list never hides a rule.
  expect(OWNED_BY_PARALLEL_WORK.filter((id) => named(id).length > 0)).toEqual([]);
});

test("docs/RULES.md equals the shared ../shared/spec/RULES.md when that is present", () => {
  if (!existsSync(SHARED)) return; // CI clones the repository alone
  expect(readFileSync(COPY, "utf8")).toBe(readFileSync(SHARED, "utf8"));
});
