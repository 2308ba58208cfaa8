/**
 * Client tokens and the per-client rate limit through the real nginx on 127.0.0.1, with the
 * stack's rendered config and njs script, a stand-in hub behind it and the test tokens file in
 * place of the stack's secret file.
 */
import { writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { parseStackConfig } from "../../components/config";
import { clientTokensFile } from "../../components/render/nginxAuth";
import { httpRequest, runLoad } from "../support/httpClient";
import { TEST_CLIENT_TOKENS } from "../support/nginxPrefix";
import { bearer, NginxProcess } from "../support/nginxProcess";
import { stackNginxSettings } from "../support/stackNginx";
import { startStubHubs, type StubHub } from "../support/stubHub";

let hubs: StubHub[] = [];
let lb: NginxProcess | undefined;

afterEach(async () => {
  await lb?.stop();
  await Promise.all(hubs.map((h) => h.crash()));
  lb = undefined;
  hubs = [];
});

/** nginx as the stack renders it for `loadBalancer` settings, over one stand-in hub. */
async function start(loadBalancer: Record<string, unknown> = {}) {
  hubs = await startStubHubs(1);
  lb = await NginxProcess.start(stackNginxSettings([hubs[0].port], { loadBalancer }));
  return lb;
}

const TOKEN_A = TEST_CLIENT_TOKENS["client-a"];
const get = (url: string, authorization?: string) => httpRequest(url, authorization === undefined ? {} : { headers: { Authorization: authorization } });
const challenge = (res: { headers: Record<string, unknown> }) => res.headers["www-authenticate"];

describe("bearer tokens on the MCP routes", () => {
  it("answers 401 with a Bearer challenge and a JSON body without a token, and proxies nothing", async () => {
    const nginx = await start();
    const res = await get(`${nginx.url}/echo`);
    expect(res.status).toBe(401);
    expect(challenge(res)).toBe('Bearer realm="mcp-superserver"');
    expect(res.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(res.body)).toMatchObject({ error: "unauthorized" });
    expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
    expect(hubs[0].received.get("GET /echo")).toBeUndefined();
  });

  it("answers 401 invalid_token to a wrong token, to one differing only in its last character, and to another scheme", async () => {
    const nginx = await start();
    const last = TOKEN_A.at(-1) === "x" ? "y" : "x";
    for (const authorization of [`Bearer wrong-token`, `Bearer ${TOKEN_A.slice(0, -1)}${last}`, `Bearer ${TOKEN_A}x`, `Basic ${TOKEN_A}`, `Bearer`]) {
      const res = await get(`${nginx.url}/echo`, authorization);
      expect(res.status, authorization).toBe(401);
      expect(challenge(res)).toBe('Bearer realm="mcp-superserver", error="invalid_token"');
    }
    expect(hubs[0].received.get("GET /echo")).toBeUndefined();
  });

  it("passes a known token to the hub (scheme in any case), without the Authorization header", async () => {
    const nginx = await start();
    for (const headers of [bearer("client-a"), { Authorization: `bearer ${TEST_CLIENT_TOKENS["client-b"]}` }]) {
      const res = await httpRequest(`${nginx.url}/echo`, { headers });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).headers.authorization).toBeUndefined();
    }
    expect(hubs[0].received.get("GET /echo")).toBe(2);
  });

  it("logs the client's name and never its token or the Authorization header", async () => {
    const nginx = await start();
    await get(`${nginx.url}/echo`, `Bearer ${TOKEN_A}`);
    await get(`${nginx.url}/echo`, `Bearer ${TOKEN_A.slice(0, -1)}0`);
    const log = nginx.entries();
    expect(log.map((e) => [e.status, e.client])).toEqual([
      [200, "client-a"],
      [401, ""],
    ]);
    const text = JSON.stringify(log);
    expect(text).not.toContain(TOKEN_A.slice(8, 40));
    expect(text.toLowerCase()).not.toContain("bearer");
  });

  it("keeps /health and /health/* open by default and asks a token there with healthPublic: false", async () => {
    let nginx = await start();
    expect((await get(`${nginx.url}/health`)).status).toBe(200);
    expect((await get(`${nginx.url}/health/live`)).status).toBe(200);
    await lb!.stop();
    await Promise.all(hubs.map((h) => h.crash()));
    nginx = await start({ auth: { healthPublic: false } });
    expect((await get(`${nginx.url}/health`)).status).toBe(401);
    expect((await get(`${nginx.url}/health/live`)).status).toBe(401);
    expect((await get(`${nginx.url}/health/live`, `Bearer ${TOKEN_A}`)).status).toBe(200);
  });

  it("hashes only the presented token: a stored digest is no token, a token stored in plain text matches nothing", async () => {
    const nginx = await start();
    const status = async (authorization: string) => (await get(`${nginx.url}/echo`, authorization)).status;
    const digestA = clientTokensFile({ "client-a": TOKEN_A }).trim().split(" ")[1];
    expect(await status(`Bearer ${TOKEN_A}`)).toBe(200);
    // A leaked tokens file gives no token.
    expect(await status(`Bearer ${digestA}`)).toBe(401);
    // Read on each request: a line with the token itself no longer matches it; "abc" matches the
    // line of its SHA-256 (FIPS 180-2, B.1).
    writeFileSync(nginx.input.auth!.tokensFile, `client-a ${TOKEN_A}\nci ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n`);
    expect(await status(`Bearer ${TOKEN_A}`)).toBe(401);
    expect(await status("Bearer abc")).toBe(200);
    expect(nginx.entries().map((e) => [e.status, e.client])).toEqual([
      [200, "client-a"],
      [401, ""],
      [401, ""],
      [200, "ci"],
    ]);
  });

  it("renders no check with auth.enabled: false (requests reach the hub without a token)", async () => {
    const nginx = await start({ auth: { enabled: false } });
    expect((await get(`${nginx.url}/echo`)).status).toBe(200);
  });
});

describe("the rate limit per client", () => {
  it("answers 429 in JSON above rate and burst, to that client only", async () => {
    // 1 request a minute and a burst of 5: the 7th request of a quick run is over the limit.
    const nginx = await start({ auth: { rate: "1r/m", burst: 5 } });
    const statuses = await runLoad(10, 1, () => get(`${nginx.url}/echo`, `Bearer ${TOKEN_A}`));
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 429, 429, 429, 429]);
    const limited = statuses[9];
    expect(limited.headers["content-type"]).toBe("application/json");
    // One request a minute: the next one is allowed in 60 s.
    expect(limited.headers["retry-after"]).toBe("60");
    expect(JSON.parse(limited.body)).toMatchObject({ error: "rate_limited" });
    // Client B has its own allowance; requests without a token are refused, not counted.
    expect((await get(`${nginx.url}/echo`, `Bearer ${TEST_CLIENT_TOKENS["client-b"]}`)).status).toBe(200);
    expect((await get(`${nginx.url}/echo`)).status).toBe(401);
    expect((await get(`${nginx.url}/health/live`)).status).toBe(200);
    expect(hubs[0].received.get("GET /echo")).toBe(7);
  });
});

describe("the stack's defaults", () => {
  it("check tokens on both targets, with a rate of 20r/s and a burst of 200", () => {
    const prod = { target: "kubernetes", loadBalancer: { replicas: 2, internal: true, tls: { mode: "none" } }, alertmanager: { pagingDisabled: true }, cluster: { endpointAccess: "private" } };
    for (const raw of [{}, prod]) {
      expect(parseStackConfig(raw).loadBalancer.auth).toEqual({ enabled: true, clients: ["operator"], rotation: {}, healthPublic: true, rate: "20r/s", burst: 200 });
    }
  });
});
