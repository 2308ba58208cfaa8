/**
 * With `loadBalancer.auth.healthPublic: false` the client-path probe (a real blackbox_exporter
 * running the rendered module) sends its own token through the real nginx, and fails without it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BLACKBOX_MODULE, renderBlackboxConfig } from "../../components/render/blackbox";
import { HUB_PATH } from "../../components/contracts/hub";
import { tempFiles } from "../support/exec";
import { TEST_CLIENT_TOKENS } from "../support/nginxPrefix";
import { NginxProcess } from "../support/nginxProcess";
import { freePort, startDaemon, type Daemon } from "../support/processes";
import { stackNginxSettings } from "../support/stackNginx";
import { UpstreamHubStandIn } from "../support/upstreamHub";
import { blackboxCheckConfig } from "../support/validators";

const MODELS = ["llama3.2:3b"];
// blackbox runs as this test's user and reads the file itself.
const dir = tempFiles({ "probe-token": TEST_CLIENT_TOKENS["client-a"] });
const files = tempFiles({ "with-token.yml": renderBlackboxConfig(MODELS, dir.file("probe-token")), "without.yml": renderBlackboxConfig(MODELS) });
const daemons: Daemon[] = [];

async function blackbox(config: string): Promise<string> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  daemons.push(await startDaemon("blackbox_exporter", "prometheus-blackbox-exporter", [`--config.file=${files.file(config)}`, `--web.listen-address=127.0.0.1:${port}`], `${url}/-/healthy`));
  return url;
}

async function probe(base: string, target: string): Promise<number> {
  const text = await (await fetch(`${base}/probe?module=${BLACKBOX_MODULE.http}&target=${encodeURIComponent(target)}`)).text();
  const m = /^probe_success (\d)$/m.exec(text);
  if (!m) throw new Error(`no probe_success in:\n${text}`);
  return Number(m[1]);
}

let hub: UpstreamHubStandIn;
let nginx: NginxProcess;
beforeAll(async () => {
  hub = await new UpstreamHubStandIn({ neo4j: "127.0.0.1:1", ollamaUrl: "http://127.0.0.1:1" }).start();
  nginx = await NginxProcess.start(stackNginxSettings([hub.port], { loadBalancer: { auth: { healthPublic: false } } }));
});
afterAll(async () => {
  await Promise.all(daemons.map((d) => d.stop()));
  await nginx?.stop();
  await hub?.kill();
  dir.cleanup();
  files.cleanup();
});

describe("the client-path probe with /health behind tokens", () => {
  it("passes blackbox_exporter --config.check with its credentials file", () => {
    const r = blackboxCheckConfig(renderBlackboxConfig(MODELS, "/run/secrets/probe-token"));
    expect(r.status, r.output).toBe(0);
  });

  it("succeeds with the probe's token and fails without one (nginx answers 401)", async () => {
    const target = `${nginx.url}${HUB_PATH.ready}`;
    expect(await probe(await blackbox("with-token.yml"), target)).toBe(1);
    expect(await probe(await blackbox("without.yml"), target)).toBe(0);
    expect(nginx.entries().map((e) => [e.status, e.client])).toEqual([
      [200, "client-a"],
      [401, ""],
    ]);
  });
});
