/**
 * Failover through real nginx on 127.0.0.1 with three stub hubs: a replica stopped under load
 * costs no request, a tool call that reached a dead replica is never run on another, a replica
 * that comes back gets traffic after fail_timeout, and a dead pool answers JSON at once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { httpRequest, runLoad, toolCall, type HttpResult } from "../support/httpClient";
import { NginxProcess } from "../support/nginxProcess";
import { startStubHubs, type StubHub } from "../support/stubHub";

let hubs: StubHub[] = [];
let nginx: NginxProcess | undefined;

afterEach(async () => {
  await nginx?.stop();
  await Promise.all(hubs.map((h) => h.crash()));
  nginx = undefined;
  hubs = [];
});

async function startPool(overrides: Partial<Parameters<typeof NginxProcess.start>[0]> = {}, delays: number[] = []) {
  hubs = await startStubHubs(3, delays);
  nginx = await NginxProcess.start({
    upstreams: { kind: "static", servers: hubs.map((h) => ({ host: "127.0.0.1", port: h.port })) },
    ...overrides,
  });
  return nginx;
}

const executionsOf = (id: string) => hubs.reduce((n, h) => n + (h.executions.get(id) ?? 0), 0);

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const failed = (e: unknown): HttpResult => ({ status: 0, headers: {}, body: String(e) });

describe("nginx failover over three hubs", () => {
  it("stopping one of three hubs during a bounded load fails no request and runs every tool call once", async () => {
    const lb = await startPool({}, [20, 20, 20]);
    const victim = hubs[1];
    let stopped: Promise<void> | undefined;
    const results = await runLoad(
      400,
      8,
      (k) => (k % 4 === 3 ? httpRequest(`${lb.url}/health`) : toolCall(lb.url, `load-${k}`)).catch(failed),
      () => {
        // A quarter into the load, at a moment the victim is working on requests.
        if (!stopped && hubs.reduce((n, h) => n + h.totalReceived, 0) >= 100 && victim.inFlight > 0) stopped = victim.stop();
      },
    );
    expect(stopped).toBeDefined();
    await stopped;

    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    const callIds = results.map((_, k) => k).filter((k) => k % 4 !== 3);
    expect(callIds.filter((k) => executionsOf(`load-${k}`) !== 1)).toEqual([]);
    // nginx tried the stopped hub, was refused, and passed those requests on to the others.
    const victimAddr = `127.0.0.1:${victim.port}`;
    const passedOn = lb.entries().filter((e) => String(e.upstream_addr).startsWith(`${victimAddr}, `));
    expect(passedOn.length).toBeGreaterThan(0);
    expect(passedOn.every((e) => e.status === 200)).toBe(true);
  });

  it("a tool call that reached a hub which then dies is answered 502 in JSON and never run on another hub", async () => {
    const lb = await startPool();
    hubs.forEach((h) => h.hold());
    const answer = toolCall(lb.url, "reached-dead-hub");
    await until("the tool call to reach a hub", () => executionsOf("reached-dead-hub") === 1);
    const holder = hubs.find((h) => h.executions.has("reached-dead-hub"))!;
    await holder.crash();
    const others = hubs.filter((h) => h !== holder);
    others.forEach((h) => h.release());

    const res = await answer;
    expect(res.status).toBe(502);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(res.body)).toMatchObject({ error: "hub_unavailable" });
    expect(others.map((h) => h.count("POST /tools/call"))).toEqual([0, 0]);
    expect(executionsOf("reached-dead-hub")).toBe(1);
  });

  it("an idempotent GET that reached a hub which then dies is passed on to another hub", async () => {
    const lb = await startPool();
    hubs.forEach((h) => h.hold());
    const answer = httpRequest(`${lb.url}/health`);
    await until("the request to reach a hub", () => hubs.some((h) => h.count("GET /health") === 1));
    const holder = hubs.find((h) => h.count("GET /health") === 1)!;
    await holder.crash();
    const others = hubs.filter((h) => h !== holder);
    await until("the request to be passed on", () => others.some((h) => h.count("GET /health") === 1));
    others.forEach((h) => h.release());

    const res = await answer;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).replica).not.toBe(holder.name);
  });

  it("a hub too slow for the timeouts gets a JSON 504: the tool call is not replayed, /health gives up first", async () => {
    // maxFails high: a timed-out hub stays in the pool, so the probe walks all three and times out.
    const lb = await startPool({ readTimeout: "2s", healthTimeout: "1s", connectTimeout: "1s", maxFails: 10 });
    hubs.forEach((h) => h.hold());
    const call = toolCall(lb.url, "too-slow", { timeoutMs: 20_000 });
    const health = httpRequest(`${lb.url}/health`, { timeoutMs: 20_000 });
    const [callRes, healthRes] = await Promise.all([call, health]);
    for (const res of [callRes, healthRes]) {
      expect(res.status).toBe(504);
      expect(res.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(res.body).error).toBe("hub_timeout");
    }
    expect(executionsOf("too-slow")).toBe(1);
    // The probe waited healthTimeout (1s) per hub, not the tool calls' 2s: nginx's log says so.
    const healthEntry = lb.entries().find((e) => e.uri === "/health")!;
    const waits = String(healthEntry.upstream_response_time).split(", ").map(Number);
    expect(waits.every((w) => w < 2)).toBe(true);
    hubs.forEach((h) => h.release());
  });

  it("a hub that comes back receives requests again once fail_timeout has passed", async () => {
    const failTimeoutSeconds = 2;
    const lb = await startPool({ maxFails: 1, failTimeout: `${failTimeoutSeconds}s` });
    const returning = hubs[2];
    await returning.crash();
    // Sequential requests: least_conn offers each idle hub in turn, so the dead one is tried.
    let markedDownAt = 0;
    for (let k = 0; k < 6 && !markedDownAt; k++) {
      const res = await httpRequest(`${lb.url}/health`);
      expect(res.status).toBe(200);
      if (lb.entries().some((e) => String(e.upstream_addr).startsWith(`127.0.0.1:${returning.port}`))) markedDownAt = Date.now();
    }
    expect(markedDownAt).toBeGreaterThan(0);
    await returning.start();

    const servedBy: string[] = [];
    while (returning.totalReceived === 0) {
      if (Date.now() - markedDownAt > 30_000) throw new Error("the hub that came back got no request within 30 s");
      const res = await httpRequest(`${lb.url}/health`);
      expect(res.status).toBe(200);
      servedBy.push(JSON.parse(res.body).replica);
      // Only requests sent well inside fail_timeout prove it stays out until then.
      if (Date.now() - markedDownAt < failTimeoutSeconds * 500) expect(servedBy.at(-1)).not.toBe(returning.name);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(Date.now() - markedDownAt).toBeGreaterThanOrEqual(failTimeoutSeconds * 1000);
  });

  it("with every hub down a client gets a JSON 502 at once instead of a hang", async () => {
    const lb = await startPool();
    await Promise.all(hubs.map((h) => h.crash()));
    for (const res of [await toolCall(lb.url, "nobody-home", { timeoutMs: 5000 }), await httpRequest(`${lb.url}/health`, { timeoutMs: 5000 })]) {
      expect(res.status).toBe(502);
      expect(res.headers["content-type"]).toBe("application/json");
      const body = JSON.parse(res.body);
      expect(body.error).toBe("hub_unavailable");
      expect(body.request_id).toBe(res.headers["x-request-id"]);
    }
    expect(executionsOf("nobody-home")).toBe(0);
  });
});
