/**
 * What a request looks like on its way through real nginx on 127.0.0.1: the headers a hub gets,
 * the request id, the JSON access log, keep-alive to the hubs, the body limit, /health and the
 * internal stub_status port.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpRequest, runLoad, toolCall } from "../support/httpClient";
import { NginxProcess } from "../support/nginxProcess";
import { startStubHubs, type StubHub } from "../support/stubHub";

let hubs: StubHub[] = [];
let lb: NginxProcess;

beforeAll(async () => {
  hubs = await startStubHubs(2);
  lb = await NginxProcess.start({
    upstreams: { kind: "static", servers: hubs.map((h) => ({ host: "127.0.0.1", port: h.port })) },
    clientMaxBodySize: "1k",
    keepaliveTimeout: "1s",
  });
});

afterAll(async () => {
  await lb?.stop();
  await Promise.all(hubs.map((h) => h.crash()));
});

describe("nginx in front of the hubs", () => {
  it("passes the runbook's headers, the scheme and a new request id, and strips Connection", async () => {
    const res = await httpRequest(`${lb.url}/echo`, { headers: { Host: "mcp.example.com", "X-Forwarded-For": "203.0.113.7" } });
    expect(res.status).toBe(200);
    const seen = JSON.parse(res.body).headers as Record<string, string>;
    expect(seen.host).toBe("mcp.example.com");
    expect(seen["x-real-ip"]).toBe("127.0.0.1");
    expect(seen["x-forwarded-for"]).toBe("203.0.113.7, 127.0.0.1");
    expect(seen["x-forwarded-proto"]).toBe("http");
    expect(seen.connection).toBeUndefined();
    expect(seen["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers["x-request-id"]).toBe(seen["x-request-id"]);
  });

  it("keeps a caller's request id and logs it with the hub and timings as one JSON object", async () => {
    const res = await toolCall(lb.url, "logged", { headers: { "X-Request-ID": "trace-1234" } });
    expect(res.status).toBe(200);
    expect(res.headers["x-request-id"]).toBe("trace-1234");
    const replica = hubs.find((h) => h.executions.has("logged"))!;
    let entry: Record<string, unknown> | undefined;
    for (let k = 0; k < 100 && !entry; k++) {
      entry = lb.entries().find((e) => e.request_id === "trace-1234");
      if (!entry) await new Promise((r) => setTimeout(r, 20));
    }
    expect(entry).toMatchObject({
      method: "POST",
      uri: "/tools/call",
      status: 200,
      upstream_addr: `127.0.0.1:${replica.port}`,
      upstream_status: "200",
    });
    expect(Number(entry!.upstream_response_time)).toBeGreaterThanOrEqual(0);
    expect(Number(entry!.upstream_connect_time)).toBeGreaterThanOrEqual(0);
    expect(typeof entry!.request_time).toBe("number");
  });

  it("reuses connections to the hubs instead of opening one per request", async () => {
    const before = hubs.reduce((n, h) => n + h.connectionsAccepted, 0);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const results = await runLoad(200, 4, (k) => toolCall(lb.url, `reuse-${k}`, { agent }));
    agent.destroy();
    expect(results.every((r) => r.status === 200)).toBe(true);
    const opened = hubs.reduce((n, h) => n + h.connectionsAccepted, 0) - before;
    // At most a few per worker and hub; without upstream keepalive it would be 200.
    expect(opened).toBeLessThanOrEqual(2 * 2 * 4);
  });

  it("closes idle hub connections itself, before the hub's own idle timeout (Node's 5 s)", async () => {
    const closedBefore = hubs.reduce((n, h) => n + h.connectionsClosedByPeer, 0);
    expect((await httpRequest(`${lb.url}/health`)).status).toBe(200);
    const deadline = Date.now() + 4_500;
    while (hubs.reduce((n, h) => n + h.connectionsClosedByPeer, 0) === closedBefore && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(hubs.reduce((n, h) => n + h.connectionsClosedByPeer, 0)).toBeGreaterThan(closedBefore);
  });

  it("refuses a body over client_max_body_size with a JSON 413 before it reaches a hub", async () => {
    const before = hubs.reduce((n, h) => n + h.count("POST /tools/call"), 0);
    const res = await httpRequest(`${lb.url}/tools/call`, { method: "POST", body: JSON.stringify({ id: "big", pad: "x".repeat(4096) }) });
    expect(res.status).toBe(413);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(res.body).error).toBe("request_too_large");
    expect(hubs.reduce((n, h) => n + h.count("POST /tools/call"), 0)).toBe(before);
  });

  it("passes /health through to a hub", async () => {
    const res = await httpRequest(`${lb.url}/health`);
    expect(res.status).toBe(200);
    expect(hubs.map((h) => h.name)).toContain(JSON.parse(res.body).replica);
  });

  it("serves stub_status on the internal port only", async () => {
    const status = await httpRequest(`${lb.statusUrl}/stub_status`);
    expect(status.status).toBe(200);
    expect(status.body).toMatch(/^Active connections: \d+/);
    expect(status.body).toMatch(/server accepts handled requests\n \d+ \d+ \d+/);
    const before = hubs.reduce((n, h) => n + h.totalReceived, 0);
    const proxied = await httpRequest(`${lb.url}/stub_status`);
    // On the client port it is just another path for the hubs.
    expect(JSON.parse(proxied.body).replica).toBeDefined();
    expect(hubs.reduce((n, h) => n + h.totalReceived, 0)).toBe(before + 1);
  });
});
