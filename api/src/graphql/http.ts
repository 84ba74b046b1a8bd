import type { IncomingMessage, ServerResponse } from "node:http";
import {
  ExecutionResult,
  GraphQLError,
  GraphQLFormattedError,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  OperationTypeNode,
  execute,
} from "graphql";
import { metrics } from "../metrics/registry";
import { authenticate } from "../auth/authenticate";
import { Caller } from "../auth/caller";
import { RETRY_AFTER_S, isDatabaseUnavailable } from "../db/unavailable";
import { Logger } from "../logger";
import { Services } from "../services";
import type { Context } from "./context";
import { DocumentCache, DocumentParseError, operationOf } from "./documents";
import { checkLimits } from "./limits";
import { Loaders } from "../db/loaders";
import { KeptAnswers } from "../status/kept-answers";

/**
 * GraphQL over HTTP (`POST /graphql` and, for queries, `GET /graphql`), on plain node:http: the
 * document is parsed and validated once per distinct query text, executed by graphql-js, and answered
 * with the status codes and error shapes of the public contract (README "Using the API"). One pipeline
 * for every caller; the public status and seal queries are simply its most frequent documents.
 */

/** Bodies are read before anything else only up to these sizes (the key is checked first). */
const BODY_LIMITS = { anonymous: 64 * 1024, keyed: 16 * 1024 * 1024 } as const;

export interface GraphqlRequest {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  clientAddress: string;
  log: Logger;
  /** The URL's query string (after `?`), for GET. */
  search: string;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const SUGGESTION = / ?Did you mean .*\?$/;

/** Root fields answered only from the notification-kept views and the clock: their anonymous GET answers may be kept. */
const VIEW_FIELDS: ReadonlySet<string> = new Set(["certificateStatus", "seal", "seals", "__typename"]);

function keepable(operation: OperationDefinitionNode): boolean {
  return (
    operation.operation === OperationTypeNode.QUERY &&
    operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && VIEW_FIELDS.has(s.name.value))
  );
}

interface KeptAnswer {
  body: Buffer;
  cacheControl: string;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJson(res, status, Buffer.from(JSON.stringify(body)), headers);
}

function sendJson(res: ServerResponse, status: number, json: Buffer, headers: Record<string, string>): void {
  res.statusCode = status;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", json.length);
  res.end(json);
}

function problem(res: ServerResponse, p: HttpProblem): void {
  send(
    res,
    p.status,
    { errors: [{ message: p.message, extensions: { code: p.code } }] },
    { "Cache-Control": "no-store", ...p.headers },
  );
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? -1);
    if (declared > limit) {
      req.resume();
      reject(new HttpProblem(413, "PAYLOAD_TOO_LARGE", `The request body is larger than ${limit} bytes.`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        reject(new HttpProblem(413, "PAYLOAD_TOO_LARGE", `The request body is larger than ${limit} bytes.`));
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

interface Params {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | null;
}

function paramsFrom(raw: Record<string, unknown>): Params {
  if (typeof raw.query !== "string" || raw.query.trim() === "") {
    throw new HttpProblem(400, "BAD_REQUEST", "A GraphQL request needs a non-empty `query` string.");
  }
  const variables = raw.variables ?? {};
  if (typeof variables !== "object" || variables === null || Array.isArray(variables)) {
    throw new HttpProblem(400, "BAD_REQUEST", "`variables` must be a JSON object.");
  }
  const operationName = raw.operationName ?? null;
  if (operationName !== null && typeof operationName !== "string")
    throw new HttpProblem(400, "BAD_REQUEST", "`operationName` must be a string.");
  return { query: raw.query, variables: variables as Record<string, unknown>, operationName };
}

async function readParams(req: IncomingMessage, search: string, caller: Caller): Promise<Params> {
  if (req.method === "GET") {
    const q = new URLSearchParams(search);
    let variables: unknown = undefined;
    const text = q.get("variables");
    if (text) {
      try {
        variables = JSON.parse(text);
      } catch {
        throw new HttpProblem(400, "BAD_REQUEST", "`variables` is not valid JSON.");
      }
    }
    return paramsFrom({
      query: q.get("query") ?? undefined,
      variables,
      operationName: q.get("operationName") ?? undefined,
    });
  }
  const type = String(req.headers["content-type"] ?? "");
  if (!/^application\/(json|graphql-response\+json)\b/i.test(type)) {
    req.resume();
    throw new HttpProblem(415, "BAD_REQUEST", "POST /graphql needs Content-Type: application/json.");
  }
  const body = await readBody(req, caller.kind === "PUBLIC" ? BODY_LIMITS.anonymous : BODY_LIMITS.keyed);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new HttpProblem(400, "BAD_REQUEST", "The request body is not valid JSON.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new HttpProblem(
      400,
      "BAD_REQUEST",
      "The request body must be one GraphQL request object (batches are not supported).",
    );
  }
  return paramsFrom(parsed as Record<string, unknown>);
}

interface Formatted {
  errors: GraphQLFormattedError[];
  status: number;
  headers: Record<string, string>;
}

/** Errors as clients see them: a code on each; faults are logged and shown without detail. */
function formatErrors(errors: readonly GraphQLError[], caller: Caller, g: GraphqlRequest): Formatted {
  let status = 200;
  const headers: Record<string, string> = {};
  const out = errors.map((e) => {
    const original = e.originalError;
    if (isDatabaseUnavailable(original ?? e)) {
      status = 503;
      headers["Retry-After"] = String(RETRY_AFTER_S);
      return {
        message: `The service is temporarily unavailable; retry after ${RETRY_AFTER_S} s.`,
        path: e.path,
        extensions: { code: "SERVICE_UNAVAILABLE" },
      };
    }
    const { http, ...extensions } = (e.extensions ?? {}) as { http?: { status?: number }; code?: string };
    if (!extensions.code) {
      // graphql-js's own request errors (variables that do not fit their types) have no original error.
      if (!original)
        return {
          message: e.message,
          ...(e.locations ? { locations: e.locations } : {}),
          extensions: { code: "BAD_USER_INPUT" },
        };
      g.log.error({ err: original, path: e.path }, "unhandled GraphQL error");
      return { message: "Internal server error.", path: e.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
    }
    if (http?.status && status === 200) status = http.status;
    // Field suggestions would reveal the schema to anonymous callers, for whom introspection is off.
    const message = caller.kind === "PUBLIC" ? e.message.replace(SUGGESTION, "") : e.message;
    return {
      message,
      ...(e.locations ? { locations: e.locations } : {}),
      ...(e.path ? { path: e.path } : {}),
      extensions,
    };
  });
  return { errors: out, status, headers };
}

/** The metrics label of an operation: its name, or its root fields (names from the schema, so a bounded set). */
function operationLabel(op: OperationDefinitionNode): string {
  if (op.name) return op.name.value.slice(0, 60);
  const roots = op.selectionSet.selections.map((s) => (s.kind === Kind.FIELD ? s.name.value : "…"));
  return [...new Set(roots)].sort().slice(0, 3).join(",") || "anonymous";
}

export class GraphqlHttp {
  private readonly documents: DocumentCache;
  private readonly answers: KeptAnswers<KeptAnswer>;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly services: Services,
  ) {
    this.documents = new DocumentCache(schema);
    this.answers = new KeptAnswers(services.clock, services.viewChanges);
  }

  async handle(g: GraphqlRequest): Promise<void> {
    const { req, res } = g;
    if (req.method !== "GET" && req.method !== "POST") {
      problem(
        res,
        new HttpProblem(405, "METHOD_NOT_ALLOWED", "GraphQL is served by GET (queries) and POST.", {
          Allow: "GET, POST",
        }),
      );
      return;
    }
    const anonymousGet = req.method === "GET" && req.headers.authorization === undefined;
    const kept = anonymousGet ? this.answers.get(g.search) : undefined;
    if (kept) return sendJson(res, 200, kept.body, { "Cache-Control": kept.cacheControl });
    let caller: Caller;
    try {
      caller = await authenticate(this.services.ds, this.services.clock, req.headers.authorization);
    } catch (e) {
      if (isDatabaseUnavailable(e))
        return problem(
          res,
          new HttpProblem(
            503,
            "SERVICE_UNAVAILABLE",
            `The service is temporarily unavailable; retry after ${RETRY_AFTER_S} s.`,
            { "Retry-After": String(RETRY_AFTER_S) },
          ),
        );
      if (e instanceof GraphQLError) return problem(res, new HttpProblem(401, String(e.extensions.code), e.message));
      throw e;
    }
    try {
      await this.run(g, caller);
    } catch (e) {
      if (e instanceof HttpProblem) return problem(res, e);
      throw e;
    }
  }

  private async run(g: GraphqlRequest, caller: Caller): Promise<void> {
    const params = await readParams(g.req, g.search, caller);
    let prepared;
    try {
      prepared = this.documents.prepare(params.query);
    } catch (e) {
      if (e instanceof DocumentParseError) throw new HttpProblem(400, "GRAPHQL_PARSE_FAILED", e.message);
      throw e;
    }
    if (prepared.errors.length) {
      const f = formatErrors(
        prepared.errors.map(
          (e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }),
        ),
        caller,
        g,
      );
      return send(g.res, 400, { errors: f.errors }, { "Cache-Control": "no-store" });
    }
    const operation = operationOf(prepared.document, params.operationName);
    if (!operation)
      throw new HttpProblem(
        400,
        "OPERATION_RESOLUTION_FAILURE",
        params.operationName
          ? `No operation named "${params.operationName}".`
          : "Name the operation to run (operationName).",
      );
    if (g.req.method === "GET" && operation.operation !== OperationTypeNode.QUERY) {
      throw new HttpProblem(405, "METHOD_NOT_ALLOWED", "Mutations are sent with POST.", { Allow: "POST" });
    }
    try {
      checkLimits(operation, prepared.fragments, params.variables, caller.kind === "PUBLIC");
    } catch (e) {
      if (e instanceof GraphQLError) throw new HttpProblem(400, String(e.extensions.code), e.message);
      throw e;
    }
    const contextValue: Context = {
      caller,
      requestId: g.requestId,
      loaders: new Loaders(this.services.ds),
      services: this.services,
      clientAddress: g.clientAddress,
    };
    const keep = g.req.method === "GET" && caller.kind === "PUBLIC" && keepable(operation);
    const since = this.answers.version;
    const computedAtMs = this.services.clock.now().getTime();
    const started = process.hrtime.bigint();
    const run = async () =>
      execute({
        schema: this.schema,
        document: prepared.document,
        contextValue,
        variableValues: params.variables,
        operationName: params.operationName,
      });
    const ownWrites = operation.operation === OperationTypeNode.MUTATION ? this.services.viewChanges.ownWrites() : null;
    const result = ownWrites ? await ownWrites.run(run) : await run();
    metrics.graphqlDuration.observe(
      {
        type: operation.operation,
        operation: operationLabel(operation),
        outcome: result.errors?.length ? "error" : "ok",
      },
      Number(process.hrtime.bigint() - started) / 1e9,
    );
    // Read your writes: the answer to a mutation leaves once this replica's public views reflect it.
    await ownWrites?.heard();
    const answered = this.answer(g, caller, prepared.cacheMaxAge, result);
    // Nothing-there answers are not kept: what is missing may appear at any moment.
    const complete =
      answered.status === 200 &&
      answered.cacheControl.endsWith("public") &&
      Object.values(result.data ?? {}).every((v) => v !== null && !(Array.isArray(v) && v.includes(null)));
    if (keep && complete)
      this.answers.keep(g.search, { body: answered.body, cacheControl: answered.cacheControl }, since, computedAtMs);
  }

  private answer(
    g: GraphqlRequest,
    caller: Caller,
    cacheMaxAge: number,
    result: ExecutionResult,
  ): { status: number; body: Buffer; cacheControl: string } {
    const f = result.errors?.length ? formatErrors(result.errors, caller, g) : null;
    // Variables that do not fit their types stop execution before it starts: a bad request.
    const status = f ? (result.data === undefined && f.status === 200 ? 400 : f.status) : 200;
    // STAT-3: only a complete, error-free answer to an anonymous query may be kept by a shared cache.
    const cacheControl =
      f || cacheMaxAge <= 0
        ? "no-store"
        : caller.kind === "PUBLIC"
          ? `max-age=${cacheMaxAge}, public`
          : `max-age=${cacheMaxAge}, private`;
    const body = Buffer.from(
      JSON.stringify(
        f ? { errors: f.errors, ...(result.data !== undefined ? { data: result.data } : {}) } : { data: result.data },
      ),
    );
    sendJson(g.res, status, body, { "Cache-Control": cacheControl, ...(f?.headers ?? {}) });
    return { status, body, cacheControl };
  }
}
