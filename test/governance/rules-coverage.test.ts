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
  const missing = rules.filter((id) => named(id).length === 0);
  expect(missing).toEqual([]);
});

test("docs/RULES.md equals the shared ../shared/spec/RULES.md when that is present", () => {
  if (!existsSync(SHARED)) return; // CI clones the repository alone
  expect(readFileSync(COPY, "utf8")).toBe(readFileSync(SHARED, "utf8"));
});
