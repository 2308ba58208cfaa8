/**
 * Pod discovery keeps only pods that can answer: a real Prometheus applies the rendered hub job's
 * relabelling to pods in every phase (the labels kubernetes_sd gives a pod, served through
 * file_sd since no API server runs here). Without the phase rule a Failed pod's address stays a
 * target whose scrapes fail, which is TargetDown's false page; with it only the running pod is
 * scraped.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { DROP_FINISHED_PODS, kubernetesScrapeJobs } from "../../components/kubernetes/monitoring";
import { JOB } from "../../components/workloads/monitoringTargets";
import { tempFiles } from "../support/exec";
import { freePort, startDaemon, waitFor, type Daemon } from "../support/processes";

/** What kubernetes_sd (role pod) labels a hub pod's `http` port with (Prometheus docs, pod role). */
const pod = (name: string, phase: string, ip: string) => ({
  targets: [`${ip}:3000`],
  labels: {
    __meta_kubernetes_namespace: "mcp",
    __meta_kubernetes_pod_name: name,
    __meta_kubernetes_pod_phase: phase,
    __meta_kubernetes_pod_node_name: "ip-10-0-1-7",
    __meta_kubernetes_pod_label_app_kubernetes_io_name: "mcp-hub",
    __meta_kubernetes_pod_container_port_name: "http",
  },
});
const PODS = [pod("mcp-hub-a", "Running", "127.0.0.2"), pod("mcp-hub-b", "Failed", "127.0.0.3"), pod("mcp-hub-c", "Succeeded", "127.0.0.4"), pod("mcp-hub-d", "Pending", "127.0.0.5")];

const hubJob = kubernetesScrapeJobs("mcp", "mcp-node").find((j) => j.job === JOB.hub)!;
const dir = tempFiles({ "pods.json": JSON.stringify(PODS) });
let prom: Daemon;
let url: string;

function config(relabel: Record<string, unknown>[]): string {
  return stringify({
    global: { scrape_interval: "1h" },
    scrape_configs: [
      { job_name: "with-phase-rule", file_sd_configs: [{ files: [dir.file("pods.json")] }], relabel_configs: relabel },
      { job_name: "without-phase-rule", file_sd_configs: [{ files: [dir.file("pods.json")] }], relabel_configs: relabel.filter((r) => r !== DROP_FINISHED_PODS) },
    ],
  });
}

beforeAll(async () => {
  writeFileSync(dir.file("prometheus.yml"), config(hubJob.relabelConfigs));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  prom = await startDaemon("prometheus", "prometheus", [`--config.file=${dir.file("prometheus.yml")}`, `--storage.tsdb.path=${dir.dir}/data`, `--web.listen-address=127.0.0.1:${port}`], `${url}/-/ready`);
});
afterAll(async () => {
  await prom?.stop();
  dir.cleanup();
});

describe("Kubernetes pod discovery", () => {
  it("the rendered hub job drops Failed and Succeeded pods, keeps Running and Pending ones", async () => {
    const targets = await waitFor(
      "targets from file_sd",
      async () => {
        const body = (await (await fetch(`${url}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: { scrapePool: string; labels: Record<string, string> }[] } };
        const active = body.data.activeTargets;
        return active.length >= 6 ? active : undefined;
      },
      20_000,
    );
    const podsOf = (pool: string) => targets.filter((t) => t.scrapePool === pool).map((t) => t.labels.pod).sort();
    // Before the phase rule: every pod is a target, the finished ones included.
    expect(podsOf("without-phase-rule")).toEqual(["mcp-hub-a", "mcp-hub-b", "mcp-hub-c", "mcp-hub-d"]);
    expect(podsOf("with-phase-rule")).toEqual(["mcp-hub-a", "mcp-hub-d"]);
  });
});
