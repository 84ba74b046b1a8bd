import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { MAIN, READY_TIMEOUT_MS, spawnServer, waitUntilReady, serverPort } from "../support/spawn-server";

/**
 * Hold under load, from outside: the built service with its embedded PostgreSQL, a database that stops
 * answering (SIGSTOP on its processes) and comes back, a data directory PostgreSQL cannot reach, the
 * secrets a first start leaves, and a graceful stop that lets a request in flight finish.
 */
// A start may take the whole readiness wait; the rest of a test gets three minutes beside it.
jest.setTimeout(READY_TIMEOUT_MS + 180_000);

let dataDir: string;
let port: number;
let server: ReturnType<typeof spawnServer> | undefined;

beforeAll(async () => {
  if (!fs.existsSync(MAIN))
    throw new Error(`${MAIN} is missing: run \`npm test\` (it builds first) or \`npm run build\`.`);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "akashi-outage-"));
  fs.chmodSync(dataDir, 0o755);
  port = await serverPort();
  server = spawnServer({ AKASHI_DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1" });
  await waitUntilReady(server);
});

afterAll(async () => {
  if (server && server.proc.exitCode === null) {
    server.proc.kill("SIGKILL");
    await server.exited;
  }
  // A killed server leaves its postmaster; stop it so nothing outlives the test.
  const pidFile = path.join(dataDir, "pg", "postmaster.pid");
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
    try {
      process.kill(pid, "SIGCONT");
      process.kill(pid, "SIGINT");
    } catch {
      // already gone
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request that must be answered within `timeoutMs` (the bound is the point of these tests). */
function ask(
  pathname: string,
  options: { timeoutMs: number; method?: string; body?: string; headers?: Record<string, string> },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: pathname,
        method: options.method ?? "GET",
        headers: options.headers,
        agent: false,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.setTimeout(options.timeoutMs, () =>
      req.destroy(new Error(`no answer to ${pathname} within ${options.timeoutMs} ms`)),
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

function demoResellerKey(): string {
  const keys = fs.readFileSync(path.join(dataDir, "demo-keys.txt"), "utf8");
  return /^reseller (\S+)$/m.exec(keys)![1];
}

const viewer = (key: string, timeoutMs: number) =>
  ask("/graphql", {
    timeoutMs,
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: "{ viewer { kind } }" }),
  });

/**
 * Stalls the whole cluster: the postmaster first, so that it forks no backend after the children are
 * listed (a connection being opened in that moment would get a live backend and answer the probes),
 * then every child it has. Answers the stopped pids, to be continued later.
 */
function stallCluster(): number[] {
  const postmaster = Number(fs.readFileSync(path.join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
  process.kill(postmaster, "SIGSTOP");
  const children = execFileSync("ps", ["-o", "pid=", "--ppid", String(postmaster)], { encoding: "utf8" })
    .split("\n")
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0);
  for (const pid of children) process.kill(pid, "SIGSTOP");
  return [postmaster, ...children];
}

test("a stalled database: within 2 s /readyz says not ready, GraphQL answers SERVICE_UNAVAILABLE with Retry-After, and all recover by themselves", async () => {
  const key = demoResellerKey();
  expect((await viewer(key, 30_000)).status).toBe(200);
  expect((await ask("/readyz", { timeoutMs: 30_000 })).status).toBe(200);
  const pids = stallCluster();
  try {
    // /readyz answers within 2 s, whatever the database does.
    const ready = await ask("/readyz", { timeoutMs: 2_000 });
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({ status: "not ready", database: "down" });
    // Requests are refused with a clear 503 instead of hanging (each bounded well below jest's timeout).
    let refused: Answer | undefined;
    for (let i = 0; i < 20 && !refused; i++) {
      const a = await viewer(key, 30_000);
      if (a.status === 503) refused = a;
    }
    expect(refused).toBeDefined();
    expect(refused!.headers["retry-after"]).toMatch(/^\d+$/);
    expect(JSON.parse(refused!.body).errors[0].extensions.code).toBe("SERVICE_UNAVAILABLE");
  } finally {
    for (const pid of pids) process.kill(pid, "SIGCONT");
  }
  // Recovery needs nobody: the next probes find the database and requests flow again.
  let recovered = false;
  for (let i = 0; i < 100 && !recovered; i++) {
    const [r, v] = await Promise.all([ask("/readyz", { timeoutMs: 30_000 }), viewer(key, 30_000)]);
    recovered = r.status === 200 && v.status === 200 && JSON.parse(v.body).data.viewer.kind === "RESELLER";
    if (!recovered) await new Promise((res) => setTimeout(res, 200));
  }
  expect(recovered).toBe(true);
});

test("404s and error responses carry the security headers", async () => {
  const missing = await ask("/no-such-page", { timeoutMs: 30_000 });
  expect(missing.status).toBe(404);
  for (const a of [
    missing,
    await ask("/graphql", {
      timeoutMs: 30_000,
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{",
    }),
  ]) {
    expect(a.headers["x-frame-options"]).toBe("DENY");
    expect(a.headers["x-content-type-options"]).toBe("nosniff");
    expect(a.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  }
});

test("the embedded database's passwords are random per data directory, kept 0600, and nothing is left in the temp dir", () => {
  for (const file of ["pg-owner-password", "pg-app-password"]) {
    const st = fs.statSync(path.join(dataDir, file));
    expect((st.mode & 0o777).toString(8)).toBe("600");
    expect(fs.readFileSync(path.join(dataDir, file), "utf8").trim()).toMatch(/^[A-Za-z0-9_-]{32}$/);
  }
  expect(fs.readFileSync(path.join(dataDir, "pg-owner-password"), "utf8")).not.toBe(
    fs.readFileSync(path.join(dataDir, "pg-app-password"), "utf8"),
  );
  expect(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith("pg-password-"))).toEqual([]);
  expect(fs.readdirSync(dataDir).filter((f) => f.startsWith(".initdb-"))).toEqual([]);
});

test("graceful stop: a request in flight at SIGTERM is answered before the process exits", async () => {
  const body = JSON.stringify({ query: "{ products(first: 1) { edges { node { code } } } }" });
  const answered = new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.write(
        `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      socket.write(body.slice(0, 10));
      // The request is now in flight: stop the server, then send the rest.
      server!.proc.kill("SIGTERM");
      setTimeout(() => socket.write(body.slice(10)), 300);
    });
    let data = "";
    socket.on("data", (d: Buffer) => (data += d.toString()));
    socket.on("close", () => resolve(data));
    socket.on("error", reject);
  });
  const raw = await answered;
  expect(raw).toMatch(/^HTTP\/1\.1 200 /);
  expect(raw).toContain('"code"');
  expect(await server!.exited).toBe(0);
});

test("a data directory PostgreSQL cannot reach: one line naming it and the fix, exit code 2, nothing created", async () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), "akashi-locked-"));
  // As root the cluster runs as `postgres`, which cannot search a 0700 directory; as anyone else, 0000 locks us out.
  fs.chmodSync(parent, process.getuid?.() === 0 ? 0o700 : 0o000);
  const target = path.join(parent, "clone", ".akashi");
  try {
    const s = spawnServer({ AKASHI_DATA_DIR: target, PORT: String(await serverPort()) });
    expect(await s.exited).toBe(2);
    const lines = s.stderr().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(target);
    expect(lines[0]).toMatch(/AKASHI_DATA_DIR|DATABASE_URL/);
    expect(lines[0]).not.toMatch(/EACCES|\n\s+at /);
    fs.chmodSync(parent, 0o700);
    expect(fs.existsSync(path.join(parent, "clone"))).toBe(false);
  } finally {
    fs.chmodSync(parent, 0o700);
    fs.rmSync(parent, { recursive: true, force: true });
  }
});
