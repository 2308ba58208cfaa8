/**
 * least_conn through real nginx on 127.0.0.1: while one hub holds slow requests, new requests go
 * to the hubs with fewer in flight (round-robin would keep sending a third of them to it).
 */
import { afterEach, expect, it } from "vitest";
import { runLoad, toolCall } from "../support/httpClient";
import { NginxProcess } from "../support/nginxProcess";
import { startStubHubs, type StubHub } from "../support/stubHub";

let hubs: StubHub[] = [];
let nginx: NginxProcess | undefined;

afterEach(async () => {
  await nginx?.stop();
  await Promise.all(hubs.map((h) => h.crash()));
});

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

it("sends new requests to the other hubs while one holds slow in-flight requests", async () => {
  hubs = await startStubHubs(3);
  nginx = await NginxProcess.start({
    upstreams: { kind: "static", servers: hubs.map((h) => ({ host: "127.0.0.1", port: h.port })) },
  });
  const lb = nginx;
  const calls = () => hubs.map((h) => h.count("POST /tools/call"));

  // Six requests in flight at once: the fewest-active rule spreads them two per hub.
  hubs.forEach((h) => h.hold());
  const first = Array.from({ length: 6 }, (_, k) => toolCall(lb.url, `first-${k}`));
  await until("six requests held by the hubs", () => hubs.reduce((n, h) => n + h.inFlight, 0) === 6);
  expect(calls()).toEqual([2, 2, 2]);

  // hub-0 keeps its two slow requests; the others finish theirs and answer at once from now on.
  const [slow, ...fast] = hubs;
  slow.hold(false);
  fast.forEach((h) => h.release());
  await until("the fast hubs to be idle", () => fast.every((h) => h.inFlight === 0));

  const later = await runLoad(30, 2, (k) => toolCall(lb.url, `later-${k}`));
  expect(later.map((r) => r.status)).toEqual(Array(30).fill(200));
  expect(later.some((r) => JSON.parse(r.body).replica === slow.name)).toBe(false);
  expect(calls()[0]).toBe(2);
  expect(fast.map((h) => h.count("POST /tools/call") - 2).reduce((a, b) => a + b)).toBe(30);

  slow.release();
  expect((await Promise.all(first)).map((r) => r.status)).toEqual(Array(6).fill(200));
});
