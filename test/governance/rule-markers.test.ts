import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * Each rule of docs/RULES.md has one place to go to change it: exactly one `@rule ID` marker, in a
 * comment on the function, class or migration trigger function that decides it, across api/src,
 * migrations and widget/src — or, when no code enforces it, a line in docs/rules-not-in-code.md
 * saying why. Never both, never neither, never a marker for a rule RULES.md lacks.
 */
const ROOT = join(__dirname, "../..");
const SCANNED = ["api/src", "migrations", "widget/src"];
const SOURCE = /\.(ts|mts|cts|tsx|js|mjs|sql)$/;
const ID = /^[A-Z]+-\d+$/;

interface Marker {
  readonly id: string;
  readonly at: string; // file:line
  readonly inComment: boolean;
}

function ruleIds(markdown: string): string[] {
  return [...markdown.matchAll(/^- \*\*([A-Z]+-\d+)\*\*/gm)].map((m) => m[1]);
}

/** Rows `| ID | reason |` of the table in docs/rules-not-in-code.md (the header and divider are not IDs). */
function notInCode(markdown: string): { id: string; reason: string }[] {
  return markdown
    .split("\n")
    .map((line) => /^\|\s*([^|]*?)\s*\|\s*([^|]*?)\s*\|\s*$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && ID.test(m[1]))
    .map((m) => ({ id: m[1], reason: m[2] }));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return SOURCE.test(name) ? [path] : [];
  });
}

/** Every `@rule X` in the scanned trees; `X` is whatever follows, so a malformed ID is reported too. */
function markers(): Marker[] {
  return SCANNED.flatMap((dir) => sourceFiles(join(ROOT, dir))).flatMap((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .flatMap((line, i) =>
        [...line.matchAll(/@rule\b\s*(\S*)/g)].map((m) => ({
          id: m[1].replace(/[.,;:]$/, ""),
          at: `${relative(ROOT, file)}:${i + 1}`,
          // JSDoc / block comment continuation, line comment, or an SQL comment in a migration.
          inComment: /^\s*(\/\*\*?|\*|\/\/|--)/.test(line),
        })),
      ),
  );
}

const rules = ruleIds(readFileSync(join(ROOT, "docs/RULES.md"), "utf8"));
const exempt = notInCode(readFileSync(join(ROOT, "docs/rules-not-in-code.md"), "utf8"));
const found = markers();
const markersOf = (id: string) => found.filter((m) => m.id === id);

test("the rules, the not-in-code list and the @rule markers are all found", () => {
  expect(rules.length).toBeGreaterThanOrEqual(70);
  expect(found.length).toBeGreaterThan(0);
});

test("every rule in docs/RULES.md has exactly one @rule marker in api/src, migrations and widget/src, or is listed in docs/rules-not-in-code.md", () => {
  const listed = new Set(exempt.map((e) => e.id));
  const problems = rules.flatMap((id) => {
    const at = markersOf(id).map((m) => m.at);
    if (at.length === 0 && !listed.has(id))
      return [`${id}: no @rule marker, and not listed in docs/rules-not-in-code.md`];
    if (at.length > 1)
      return [`${id}: ${at.length} @rule markers, at ${at.join(", ")}; keep the one where the rule is decided`];
    return [];
  });
  expect(problems).toEqual([]);
});

test("no rule is both marked in code and listed in docs/rules-not-in-code.md", () => {
  const both = exempt
    .filter((e) => markersOf(e.id).length > 0)
    .map(
      (e) =>
        `${e.id}: listed as not in code, yet marked at ${markersOf(e.id)
          .map((m) => m.at)
          .join(", ")}`,
    );
  expect(both).toEqual([]);
});

test("every @rule marker and every not-in-code entry names a rule of docs/RULES.md", () => {
  const known = new Set(rules);
  const unknown = [
    ...found.filter((m) => !known.has(m.id)).map((m) => `${m.at}: @rule "${m.id}" is not a rule of docs/RULES.md`),
    ...exempt
      .filter((e) => !known.has(e.id))
      .map((e) => `docs/rules-not-in-code.md: ${e.id} is not a rule of docs/RULES.md`),
  ];
  expect(unknown).toEqual([]);
});

test("each rule listed in docs/rules-not-in-code.md is listed once, with the reason no code enforces it", () => {
  const seen = new Set<string>();
  const problems = exempt.flatMap((e) => {
    const out: string[] = [];
    if (seen.has(e.id)) out.push(`${e.id}: listed more than once`);
    seen.add(e.id);
    if (e.reason.length < 10) out.push(`${e.id}: give the reason no code enforces it`);
    return out;
  });
  expect(problems).toEqual([]);
});

test("@rule markers are written in comments", () => {
  expect(found.filter((m) => !m.inComment).map((m) => `${m.at}: @rule ${m.id} is not in a comment`)).toEqual([]);
});
