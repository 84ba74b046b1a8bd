/**
 * Parameterised statements become named prepared statements on their connection (issue 11): PostgreSQL
 * then parses and analyses each text once per connection and, when it judges a generic plan as good
 * as the custom ones (after five executions), plans it once too. Before, every statement of every
 * request was parsed, analysed and planned again: planning alone was 2.7 ms of PostgreSQL's CPU per
 * approval (pg_stat_statements), against about 13 ms of CPU for everything an approval may cost.
 *
 * Bounded, because a backend keeps every statement prepared on it until the connection closes: only
 * texts up to 8,000 characters with at most 64 parameters (not the multi-row inserts whose text
 * changes with their row count), at most 256 per connection, and at most 4,096 texts named per process.
 */
const MAX_TEXT = 8_000;
const MAX_VALUES = 64;
const MAX_PER_CONNECTION = 256;
const MAX_NAMES = 4_096;

const names = new Map<string, string>();
const preparedOn = new WeakMap<object, Set<string>>();

function nameFor(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMES) {
    name = `akashi_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}

/**
 * The arguments of `client.query(...)` with a `(text, values)` pair turned into `{ name, text, values }`
 * when the statement qualifies; anything else (a config object, a statement without parameters,
 * a callback form) is passed on as it is.
 */
export function preparedArgs(connection: object, args: unknown[]): unknown[] {
  const [text, values] = args;
  if (args.length !== 2 || typeof text !== "string" || !Array.isArray(values)) return args;
  if (values.length === 0 || values.length > MAX_VALUES || text.length > MAX_TEXT) return args;
  const name = nameFor(text);
  if (name === undefined) return args;
  let prepared = preparedOn.get(connection);
  if (!prepared) {
    prepared = new Set();
    preparedOn.set(connection, prepared);
  }
  if (!prepared.has(name)) {
    if (prepared.size >= MAX_PER_CONNECTION) return args;
    prepared.add(name);
  }
  return [{ name, text, values }];
}
