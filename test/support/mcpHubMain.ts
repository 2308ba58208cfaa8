/**
 * One MCP hub replica in its own process, built from the official SDK's stateful Streamable HTTP
 * server (what the real hub's MCP endpoint will be): sessions live in this process's memory, an
 * unknown session id gets the SDK's own 404 -32001, a request without one that is not
 * `initialize` its 400. Tools: `whoami` (the replica's name), `wait` (answers after `ms`) and
 * `announce` (a notification on the GET event stream `ms` later).
 * `/health/live` answers 200, or 503 with `{"fault":"503"}` (a sick replica: then every request
 * gets 503).
 *   tsx test/support/mcpHubMain.ts '{"name":"hub-1"}'   prints {"port":N} once listening.
 * Kill it with any signal: SIGSTOP hangs it, SIGKILL is a crash.
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

interface Options {
  name: string;
  fault?: "503";
  /** A fixed port (a replica started again where nginx expects it); a free one when absent. */
  port?: number;
}

const options = JSON.parse(process.argv[2] ?? "{}") as Options;
const sessions = new Map<string, StreamableHTTPServerTransport>();

function mcpServer(): McpServer {
  const server = new McpServer({ name: options.name, version: "1.0.0" });
  server.registerTool("whoami", { description: "The replica that runs this session" }, async () => ({
    content: [{ type: "text", text: options.name }],
  }));
  server.registerTool("wait", { description: "Answers after ms", inputSchema: { ms: z.number() } }, async ({ ms }) => {
    await new Promise((r) => setTimeout(r, ms));
    return { content: [{ type: "text", text: options.name }] };
  });
  // A notification outside any request travels on the session's GET event stream.
  server.registerTool("announce", { description: "Sends tools/list_changed on the event stream after ms", inputSchema: { ms: z.number() } }, async ({ ms }) => {
    setTimeout(() => server.sendToolListChanged(), ms);
    return { content: [{ type: "text", text: options.name }] };
  });
  return server;
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : undefined;
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (options.fault === "503") {
    res.writeHead(503, { "content-type": "application/json" }).end('{"error":"unavailable"}');
    return;
  }
  if (req.url === "/health/live" || req.url === "/health/ready" || req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok", replica: options.name }));
    return;
  }
  const sessionId = req.headers["mcp-session-id"];
  const body = req.method === "POST" ? await readJson(req) : undefined;
  let transport = typeof sessionId === "string" ? sessions.get(sessionId) : undefined;
  if (sessionId !== undefined && !transport) {
    // MCP spec, Streamable HTTP > Session Management: an unknown id MUST get 404; the body is the
    // SDK's own (webStandardStreamableHttp.js, createJsonErrorResponse(404, -32001, ...)).
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32001, message: "Session not found" }, id: null }));
    return;
  }
  if (!transport && isInitializeRequest(body)) {
    const created = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, created),
    });
    created.onclose = () => created.sessionId && sessions.delete(created.sessionId);
    await mcpServer().connect(created);
    transport = created;
  }
  if (!transport) {
    // As the SDK's stateful example does for a request without a session that is not initialize.
    res.writeHead(400, { "content-type": "application/json" });
    res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message: "Bad Request: No valid session ID provided" }, id: null }));
    return;
  }
  await transport.handleRequest(req, res, body);
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((e) => {
    if (!res.headersSent) res.writeHead(500).end(String(e));
  });
});
server.keepAliveTimeout = 5000;
server.listen(options.port ?? 0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on("SIGTERM", () => process.exit(0));
