/**
 * A stand-in for Neo4j 5's Bolt port, answering the handshake as the Bolt spec says a server
 * does (https://neo4j.com/docs/bolt/current/bolt/handshake/) and refusing what Neo4j refuses:
 *  - the first 4 bytes must be the magic 60 60 B0 17, else the connection is closed unanswered;
 *  - of the four proposals `[reserved, range, minor, major]` the first one covering a version it
 *    speaks wins (Neo4j 5.26: Bolt 5.0 to 5.8 and 4.4), answered as `00 00 <minor> <major>`;
 *    none fits: `00 00 00 00` and close;
 *  - then it reads chunked messages; GOODBYE (struct B0 02) closes the socket, as does any message
 *    before HELLO (the CONNECTED state accepts only HELLO: FAILURE, then DEFUNCT).
 * `offline` makes it accept TCP connections and close them at once: a port that is open but
 * speaks no Bolt (a Neo4j still starting, or the wrong service on the port).
 */
import { createServer, type Server, type Socket } from "node:net";
import { closeNow, listenOnLoopback } from "./processes";

const MAGIC = Buffer.from([0x60, 0x60, 0xb0, 0x17]);
/** Bolt versions Neo4j 5.26 negotiates, highest first: 5.8 down to 5.0, then 4.4. */
const SUPPORTED: [major: number, minor: number][] = [[5, 8], [5, 7], [5, 6], [5, 5], [5, 4], [5, 3], [5, 2], [5, 1], [5, 0], [4, 4]];

function negotiate(proposals: Buffer): Buffer {
  for (let i = 0; i < 16; i += 4) {
    const [range, minor, major] = [proposals[i + 1], proposals[i + 2], proposals[i + 3]];
    const pick = SUPPORTED.find(([M, m]) => M === major && m <= minor && m >= minor - range);
    if (pick) return Buffer.from([0, 0, pick[1], pick[0]]);
  }
  return Buffer.alloc(4);
}

export class BoltStandIn {
  offline = false;
  /** Handshakes answered with a version. */
  handshakes = 0;
  private server?: Server;

  private serve(socket: Socket): void {
    if (this.offline) return void socket.destroy();
    let buffered = Buffer.alloc(0);
    let negotiated = false;
    socket.on("error", () => socket.destroy());
    socket.on("data", (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      if (!negotiated) {
        if (buffered.length < 20) return;
        if (!buffered.subarray(0, 4).equals(MAGIC)) return void socket.destroy();
        const answer = negotiate(buffered.subarray(4, 20));
        buffered = buffered.subarray(20);
        if (answer.readUInt32BE(0) === 0) return void socket.end(answer);
        negotiated = true;
        this.handshakes++;
        socket.write(answer);
      }
      // A chunk header (2 bytes, size) and a struct marker B0..BF with its signature.
      if (buffered.length >= 4) {
        const goodbye = buffered[2] === 0xb0 && buffered[3] === 0x02;
        const hello = (buffered[2] & 0xf0) === 0xb0 && buffered[3] === 0x01;
        if (goodbye || !hello) socket.end();
      }
    });
  }

  /** Listens on 127.0.0.1; returns host:port. */
  async start(): Promise<string> {
    const server = createServer((socket) => this.serve(socket));
    const port = await listenOnLoopback(server);
    this.server = server;
    return `127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await closeNow(server);
  }
}
