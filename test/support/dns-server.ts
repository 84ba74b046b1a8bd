/**
 * A tiny authoritative DNS server over UDP for tests (APP-9 DNS TXT checks, APP-11 CAA look-ups).
 *
 * - Answers TXT and CAA (type 257) queries (and ANY, with the TXT records) for the names in its map,
 *   authoritatively (AA set), TTL 60; `fail(name, rcode)` makes a name answer SERVFAIL (or any rcode).
 * - A name in the map with another query type: NOERROR with no answers (NODATA).
 * - A name not in the map: NXDOMAIN.
 * - Names are matched case-insensitively (a trailing dot in the map is ignored); the question is
 *   echoed byte for byte, answers point back to it with a compression pointer.
 * - Queries must be compression-free (as every real query is); anything malformed gets FORMERR,
 *   other opcodes NOTIMP, a class other than IN/ANY REFUSED.
 * - TXT values longer than 255 bytes are split into 255-byte character-strings.
 * - EDNS(0): an OPT record in the query is answered with one (payload size 1232); an answer larger
 *   than the client's payload size (512 without EDNS) is sent with TC set and no answers.
 */
import * as dgram from "node:dgram";

export interface TestDnsServer {
  /** "127.0.0.1:port", ready for `Resolver#setServers`. */
  readonly address: string;
  /** Replaces the TXT values of a name (`[]`: the name exists with no TXT records). */
  set(name: string, values: string[]): void;
  /** Replaces the CAA records of a name (RFC 8659: flags 0 or 128, tag, value). */
  setCaa(name: string, records: CaaTestRecord[]): void;
  /** Every question about `name` gets this response code (2: SERVFAIL, 5: REFUSED); null to stop. */
  fail(name: string, rcode: number | null): void;
  /** Removes a name (it becomes NXDOMAIN). */
  delete(name: string): void;
  /** Every question received, in order (name lower-cased, numeric type). */
  readonly queries: ReadonlyArray<{ readonly name: string; readonly type: number }>;
  close(): Promise<void>;
}

interface CaaTestRecord {
  flags: number;
  tag: string;
  value: string;
}

interface ZoneEntry {
  txt: string[];
  caa: CaaTestRecord[];
}

const TYPE_TXT = 16;
const TYPE_CAA = 257;
const TYPE_OPT = 41;
const TYPE_ANY = 255;
const CLASS_IN = 1;
const CLASS_ANY = 255;
const RCODE_NOERROR = 0;
const RCODE_FORMERR = 1;
const RCODE_NXDOMAIN = 3;
const RCODE_NOTIMP = 4;
const RCODE_REFUSED = 5;
const OUR_UDP_PAYLOAD = 1232;
const TTL = 60;

function key(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

class FormatError extends Error {}

interface ParsedQuery {
  id: number;
  flags: number;
  /** Raw question section (name + type + class), echoed in the answer. */
  question: Buffer | null;
  name: string;
  type: number;
  qclass: number;
  /** UDP payload size from the query's OPT record, or null without EDNS. */
  ednsPayload: number | null;
}

function readName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let pos = offset;
  let total = 0;
  for (;;) {
    if (pos >= msg.length) throw new FormatError("name runs past the end");
    const len = msg[pos];
    if ((len & 0xc0) !== 0) throw new FormatError("compressed or extended label in a query");
    pos += 1;
    if (len === 0) break;
    if (pos + len > msg.length) throw new FormatError("label runs past the end");
    labels.push(msg.subarray(pos, pos + len).toString("latin1"));
    pos += len;
    total += len + 1;
    if (total > 255) throw new FormatError("name longer than 255 bytes");
  }
  return { name: labels.join("."), end: pos };
}

function parseQuery(msg: Buffer): ParsedQuery {
  if (msg.length < 12) throw new FormatError("short header");
  const id = msg.readUInt16BE(0);
  const flags = msg.readUInt16BE(2);
  const qd = msg.readUInt16BE(4);
  const an = msg.readUInt16BE(6);
  const ns = msg.readUInt16BE(8);
  const ar = msg.readUInt16BE(10);
  const base = { id, flags, question: null, name: "", type: 0, qclass: 0, ednsPayload: null };
  if (qd !== 1 || an !== 0 || ns !== 0) return base;
  const { name, end } = readName(msg, 12);
  if (end + 4 > msg.length) throw new FormatError("question runs past the end");
  const type = msg.readUInt16BE(end);
  const qclass = msg.readUInt16BE(end + 2);
  const question = Buffer.from(msg.subarray(12, end + 4));
  let pos = end + 4;
  let ednsPayload: number | null = null;
  for (let i = 0; i < ar; i++) {
    const rr = readName(msg, pos);
    pos = rr.end;
    if (pos + 10 > msg.length) throw new FormatError("additional record runs past the end");
    const rrType = msg.readUInt16BE(pos);
    const rrClass = msg.readUInt16BE(pos + 2);
    const rdlength = msg.readUInt16BE(pos + 8);
    pos += 10 + rdlength;
    if (pos > msg.length) throw new FormatError("additional record data runs past the end");
    if (rrType === TYPE_OPT) ednsPayload = Math.max(512, rrClass);
  }
  return { id, flags, question, name, type, qclass, ednsPayload };
}

function txtRdata(value: string): Buffer {
  const bytes = Buffer.from(value, "utf8");
  const parts: Buffer[] = [];
  if (bytes.length === 0) parts.push(Buffer.from([0]));
  for (let i = 0; i < bytes.length; i += 255) {
    const chunk = bytes.subarray(i, i + 255);
    parts.push(Buffer.from([chunk.length]), chunk);
  }
  return Buffer.concat(parts);
}

function caaRdata(r: CaaTestRecord): Buffer {
  const tag = Buffer.from(r.tag, "latin1");
  return Buffer.concat([Buffer.from([r.flags & 0xff, tag.length]), tag, Buffer.from(r.value, "utf8")]);
}

function answerRecord(value: string, type = TYPE_TXT, rdataOverride?: Buffer): Buffer {
  const rdata = rdataOverride ?? txtRdata(value);
  if (rdata.length > 0xffff) throw new RangeError("TXT value too long for one record");
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // pointer to the question name at offset 12
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(CLASS_IN, 4);
  head.writeUInt32BE(TTL, 6);
  head.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rdata]);
}

function optRecord(): Buffer {
  const opt = Buffer.alloc(11);
  opt.writeUInt8(0, 0); // root name
  opt.writeUInt16BE(TYPE_OPT, 1);
  opt.writeUInt16BE(OUR_UDP_PAYLOAD, 3);
  opt.writeUInt32BE(0, 5);
  opt.writeUInt16BE(0, 9);
  return opt;
}

function response(
  query: Pick<ParsedQuery, "id" | "flags" | "question" | "ednsPayload">,
  rcode: number,
  answers: Buffer[],
): Buffer {
  const opcode = (query.flags >> 11) & 0xf;
  const rd = query.flags & 0x0100;
  const build = (records: Buffer[], tc: boolean): Buffer => {
    const header = Buffer.alloc(12);
    header.writeUInt16BE(query.id, 0);
    header.writeUInt16BE(0x8000 | (opcode << 11) | 0x0400 | (tc ? 0x0200 : 0) | rd | (rcode & 0xf), 2);
    header.writeUInt16BE(query.question ? 1 : 0, 4);
    header.writeUInt16BE(records.length, 6);
    header.writeUInt16BE(0, 8);
    header.writeUInt16BE(query.ednsPayload !== null ? 1 : 0, 10);
    const parts: Buffer[] = [header];
    if (query.question) parts.push(query.question);
    parts.push(...records);
    if (query.ednsPayload !== null) parts.push(optRecord());
    return Buffer.concat(parts);
  };
  const full = build(answers, false);
  const limit = query.ednsPayload ?? 512;
  return full.length <= limit ? full : build([], true);
}

/** Starts the server on 127.0.0.1, a free port. */
export async function startDnsServer(records: Map<string, string[]>): Promise<TestDnsServer> {
  const zone = new Map<string, ZoneEntry>();
  const failing = new Map<string, number>();
  for (const [name, values] of records) zone.set(key(name), { txt: [...values], caa: [] });
  const queries: Array<{ name: string; type: number }> = [];
  const socket = dgram.createSocket("udp4");

  socket.on("message", (msg, rinfo) => {
    if (msg.length < 12 || (msg.readUInt16BE(2) & 0x8000) !== 0) return; // not a query: ignore
    let reply: Buffer;
    try {
      const q = parseQuery(msg);
      const opcode = (q.flags >> 11) & 0xf;
      if (opcode !== 0) reply = response(q, RCODE_NOTIMP, []);
      else if (!q.question) reply = response(q, RCODE_FORMERR, []);
      else {
        const name = key(q.name);
        queries.push({ name, type: q.type });
        const entry = zone.get(name);
        const forced = failing.get(name);
        if (forced !== undefined) reply = response(q, forced, []);
        else if (q.qclass !== CLASS_IN && q.qclass !== CLASS_ANY) reply = response(q, RCODE_REFUSED, []);
        else if (entry === undefined) reply = response(q, RCODE_NXDOMAIN, []);
        else if (q.type === TYPE_TXT || q.type === TYPE_ANY)
          reply = response(
            q,
            RCODE_NOERROR,
            entry.txt.map((v) => answerRecord(v)),
          );
        else if (q.type === TYPE_CAA)
          reply = response(
            q,
            RCODE_NOERROR,
            entry.caa.map((r) => answerRecord("", TYPE_CAA, caaRdata(r))),
          );
        else reply = response(q, RCODE_NOERROR, []);
      }
    } catch (err) {
      if (!(err instanceof FormatError)) return;
      reply = response(
        { id: msg.readUInt16BE(0), flags: msg.readUInt16BE(2), question: null, ednsPayload: null },
        RCODE_FORMERR,
        [],
      );
    }
    socket.send(reply, rinfo.port, rinfo.address);
  });

  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      socket.off("error", reject);
      resolve();
    });
  });
  const { address, port } = socket.address();

  return {
    address: `${address}:${port}`,
    set(name: string, values: string[]): void {
      zone.set(key(name), { txt: [...values], caa: zone.get(key(name))?.caa ?? [] });
    },
    setCaa(name: string, caa: CaaTestRecord[]): void {
      zone.set(key(name), { txt: zone.get(key(name))?.txt ?? [], caa: [...caa] });
    },
    fail(name: string, rcode: number | null): void {
      if (rcode === null) failing.delete(key(name));
      else failing.set(key(name), rcode);
    },
    delete(name: string): void {
      zone.delete(key(name));
    },
    queries,
    close(): Promise<void> {
      return new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
