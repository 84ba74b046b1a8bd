/**
 * For the demo certificate only: a loopback DNS server that answers NXDOMAIN to every question, i.e.
 * "no CAA record set anywhere" (APP-11) for the demo's `example.jp` names, which cannot be looked up
 * from here. The same idea as the domain-control host override the demo already uses.
 */
import dgram from "node:dgram";

export async function startNxdomainDns(): Promise<{ address: string; close(): Promise<void> }> {
  const socket = dgram.createSocket("udp4");
  socket.on("message", (msg, rinfo) => {
    if (msg.length < 12 || (msg[2] & 0x80) !== 0) return;
    const reply = Buffer.from(msg);
    // QR=1, opcode and RD kept, AA=1; RA=0, RCODE=3 (NXDOMAIN); no answer, authority or additional records.
    reply[2] = 0x80 | (msg[2] & 0x79) | 0x04;
    reply[3] = 0x03;
    reply.writeUInt16BE(0, 6);
    reply.writeUInt16BE(0, 8);
    reply.writeUInt16BE(0, 10);
    socket.send(questionOnly(reply), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

/** The header and the first question, without whatever followed it (EDNS records). */
function questionOnly(msg: Buffer): Buffer {
  let pos = 12;
  while (pos < msg.length && msg[pos] !== 0) pos += msg[pos] + 1;
  return msg.subarray(0, Math.min(msg.length, pos + 5));
}
