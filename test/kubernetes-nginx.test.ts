import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseStackConfig, rawConfigFromPulumi } from "../components/config/parse";
import { describeKubernetesStack, hubUpstreams } from "../components/kubernetes/stack";
import { nginxConf } from "../components/workloads/loadBalancer";
import { PROJECT } from "../scripts/lib/mockEngine";
import { readPulumiConfigFile } from "../scripts/lib/stackConfigFile";
import { ROOT } from "./helpers/prodRun";

const dir = mkdtempSync(path.join(tmpdir(), "prod-nginx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * `nginx -t`, its stderr to a file: the conf logs to /dev/stderr, which cannot be opened on the
 * socket Node would give a child for a pipe.
 */
function nginxTest(file: string): { ok: boolean; log: string } {
  const logFile = `${file}.log`;
  const fd = openSync(logFile, "w");
  let ok = true;
  try {
    execFileSync("nginx", ["-t", "-e", logFile, "-p", dir, "-c", file], { stdio: ["ignore", fd, fd] });
  } catch {
    ok = false;
  } finally {
    closeSync(fd);
  }
  return { ok, log: readFileSync(logFile, "utf8") };
}

const prodConfig = () => parseStackConfig(rawConfigFromPulumi(readPulumiConfigFile(path.join(ROOT, "Pulumi.prod.yaml"), PROJECT).config));

describe("prod nginx.conf", () => {
  it("passes nginx -t with the hub Service name swapped for a local address", () => {
    const cfg = prodConfig();
    const stack = describeKubernetesStack(cfg, "prod");
    const conf = stack.loadBalancer.workload.files.find((f) => f.name === "nginx.conf")!.content;
    // nginx -t resolves upstream hosts; the cluster's DNS name only resolves inside the cluster.
    const [upstream] = hubUpstreams(cfg, stack.hub.workload);
    const local = nginxConf(cfg, [{ host: "127.0.0.1", port: upstream.port }]);
    // Only the host differs from the conf the prod stack mounts.
    expect(conf.split(upstream.host).join("127.0.0.1")).toBe(local);
    const file = path.join(dir, "nginx.conf");
    writeFileSync(file, local);
    const result = nginxTest(file);
    expect(result.log).toContain("test is successful");
    expect(result.ok).toBe(true);
  });

  it("is rejected by nginx -t when broken (the check is live)", () => {
    const cfg = prodConfig();
    const file = path.join(dir, "broken.conf");
    writeFileSync(file, nginxConf(cfg, [{ host: "127.0.0.1", port: 3000 }]).replace("least_conn;", "least_conn bogus;"));
    const result = nginxTest(file);
    expect(result.ok).toBe(false);
    expect(result.log).toMatch(/invalid number of arguments in "least_conn"/);
  });
});
