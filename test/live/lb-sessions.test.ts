/**
 * MCP sessions through the real nginx with the stack's default load-balancer settings: the
 * official SDK's stateful server as three hub processes and its client driving sessions.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { startMcpHubs, type McpHubProcess } from "../support/mcpHubs";
import { bearer, NginxProcess } from "../support/nginxProcess";
import { stackNginxSettings } from "../support/stackNginx";

let hubs: McpHubProcess[] = [];
let nginx: NginxProcess | undefined;
const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  await nginx?.stop();
  await Promise.all(hubs.map((h) => h.kill()));
  nginx = undefined;
  hubs = [];
});

/** nginx as the stack renders it by default, over the given hub processes. */
async function startLb(count = 3): Promise<NginxProcess> {
  hubs = await startMcpHubs(count);
  nginx = await NginxProcess.start(stackNginxSettings(hubs.map((h) => h.port)));
  return nginx;
}

async function connect(url: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: "lb-test", version: "1.0.0" });
  // The stack checks client tokens: the SDK's client sends one as every MCP client does.
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: bearer() } });
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

const replicaOf = async (client: Client) => {
  const r = await client.callTool({ name: "whoami", arguments: {} });
  return (r.content as { text: string }[])[0].text;
};

/** A raw MCP POST with the given session id (what a forging client, or another nginx's client, sends). */
async function rawPost(url: string, sessionId: string, message: object = { jsonrpc: "2.0", id: 1, method: "tools/list" }) {
  const res = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-session-id": sessionId, ...bearer() },
    body: JSON.stringify(message),
  });
  return { status: res.status, body: await res.text() };
}

const NOT_FOUND = { jsonrpc: "2.0", error: { code: -32001, message: "Session not found" }, id: null };

describe("MCP sessions through nginx", () => {
  it("every tool call of 12 sessions succeeds on the replica that created its session, and sessions spread", async () => {
    const lb = await startLb();
    const sessions = await Promise.all(Array.from({ length: 12 }, () => connect(lb.url)));
    const owners: string[] = [];
    for (const { client, transport } of sessions) {
      // What the client holds is nginx's signed form: <owner>.<mac>.<the hub's UUID>.
      expect(transport.sessionId).toMatch(/^[0-9a-f]{12}\.[A-Za-z0-9_-]{22}\.[0-9a-f-]{36}$/);
      const answers = await Promise.all(Array.from({ length: 5 }, () => replicaOf(client)));
      expect(new Set(answers).size).toBe(1);
      owners.push(answers[0]);
    }
    expect(new Set(owners).size).toBe(3);
    expect(owners.length).toBe(12);
  });

  it("another nginx replica, or nginx started again, routes a session the same way (they share the key)", async () => {
    const lb = await startLb();
    const { client, transport } = await connect(lb.url);
    const owner = await replicaOf(client);
    const whoami = { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "whoami", arguments: {} } };
    await lb.stop();
    // A second, fresh nginx: nothing of the first one's memory, only the key.
    nginx = await NginxProcess.start(stackNginxSettings(hubs.map((h) => h.port)));
    for (let k = 0; k < 5; k++) {
      const r = await rawPost(nginx.url, transport.sessionId!, whoami);
      expect(r.status).toBe(200);
      expect(r.body).toContain(`"text":"${owner}"`);
    }
  });

  it("the GET event stream is passed through unbuffered and stays open", async () => {
    const lb = await startLb();
    const { client } = await connect(lb.url);
    const seen: number[] = [];
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => void seen.push(Date.now()));
    // Give the client time to open its GET stream, then have the hub notify twice, 1.5 s apart.
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    await client.callTool({ name: "announce", arguments: { ms: 100 } });
    await client.callTool({ name: "announce", arguments: { ms: 1600 } });
    await new Promise((r) => setTimeout(r, 2200));
    expect(seen.length).toBe(2);
    // Each arrived as the hub sent it (not held until the stream ended).
    expect(seen[0] - t0).toBeLessThan(1000);
    expect(seen[1] - t0).toBeGreaterThan(1500);
  });

  it("forged, tampered and foreign session ids get 404 and reach no address", async () => {
    const lb = await startLb();
    // A listener a forger would like to reach: nothing may connect to it.
    let reached = 0;
    const target = http.createServer((_, res) => res.end()).on("connection", () => reached++);
    await new Promise<void>((r) => target.listen(0, "127.0.0.1", r));
    const targetHex = `7f000001${(target.address() as AddressInfo).port.toString(16).padStart(4, "0")}`;
    try {
      const { transport } = await connect(lb.url);
      const [owner, mac, id] = transport.sessionId!.split(".");
      const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
      const attempts = [
        `${targetHex}.${mac}.${id}`, // a valid MAC moved to another address
        `${owner}.${flip(mac)}.${id}`, // tampered MAC
        `${owner}.${mac}.${id}x`, // tampered hub id
        `${targetHex}.AAAAAAAAAAAAAAAAAAAAAA.${id}`, // forged
        id, // the hub's raw id (never given out)
        `${owner}..${id}`,
        "not-a-session",
      ];
      for (const sessionId of attempts) {
        const r = await rawPost(lb.url, sessionId);
        expect({ sessionId, status: r.status }).toEqual({ sessionId, status: 404 });
        expect(JSON.parse(r.body)).toEqual(NOT_FOUND);
      }
      expect(reached).toBe(0);
      const refused = lb.entries().filter((e) => attempts.length && e.status === 404);
      expect(refused.map((e) => e.upstream_addr)).toEqual(attempts.map(() => ""));
    } finally {
      await new Promise((r) => target.close(r));
    }
  });

  it("a session whose replica was killed gets 404 JSON-RPC and the client recovers by re-initializing", async () => {
    const lb = await startLb();
    const { client } = await connect(lb.url);
    const owner = await replicaOf(client);
    await hubs.find((h) => h.options.name === owner)!.kill("SIGKILL");

    const error = await client.callTool({ name: "whoami", arguments: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    // The SDK client surfaces the HTTP status: 404 is its cue to start a new session.
    expect(error).toMatchObject({ code: 404 });
    const again = await connect(lb.url);
    const replica = await replicaOf(again.client);
    expect(replica).not.toBe(owner);
    expect(hubs.map((h) => h.options.name)).toContain(replica);
  });
});
