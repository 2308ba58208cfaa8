/**
 * Docker hardening on the dev synth: every container drops ALL capabilities and adds back exactly
 * what its image's start needs (components/contracts/capabilities.ts), sets no-new-privileges,
 * none is privileged, and dockerd's socket is mounted by the backup's Docker API proxy alone.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../../scripts/lib/mockEngine";
import { devResources } from "../support/policyRuns";

type ContainerInputs = {
  name: string;
  capabilities?: { drops?: string[]; adds?: string[] };
  securityOpts?: string[];
  privileged?: boolean;
  devices?: { hostPath: string; permissions: string }[];
  mounts?: { source: string; target: string; readOnly: boolean }[];
  uploads?: { file: string; content: string }[] | { value: { file: string; content: string }[] };
};

let containers: ContainerInputs[];
beforeAll(async () => {
  const dev: RecordedResource[] = await devResources();
  containers = dev.filter((r) => r.type === "docker:index/container:Container").map((r) => r.inputs as ContainerInputs);
});

const byName = (name: string) => containers.find((c) => c.name === name)!;

/** Each container and the capabilities it gets back; every other one is dropped. */
const EXPECTED_ADDS: Record<string, string[]> = {
  "mcp-hub-1": [],
  "mcp-hub-2": [],
  "mcp-hub-3": [],
  "mcp-hub-1-sidecar": [],
  "mcp-hub-2-sidecar": [],
  "mcp-hub-3-sidecar": [],
  // tini + docker-entrypoint.sh as root: chown/chmod of NEO4J_HOME, conf rewrite, gosu, signal forwarding.
  "mcp-neo4j": ["CHOWN", "DAC_OVERRIDE", "FOWNER", "KILL", "SETGID", "SETUID"],
  "mcp-ollama": [],
  // nginx master as root, workers as nginx.
  "mcp-nginx": ["CHOWN", "KILL", "SETGID", "SETUID"],
  "mcp-prometheus": [],
  "mcp-alertmanager": [],
  "mcp-grafana": [],
  "mcp-blackbox-exporter": [],
  "mcp-node-exporter": [],
  "mcp-nginx-exporter": [],
  // /dev/kmsg under kernel.dmesg_restrict=1 (OOM events).
  "mcp-cadvisor": ["SYSLOG"],
  "mcp-minio": [],
  // busybox crond's initgroups.
  "mcp-backup": ["SETGID"],
  // nginx workers' initgroups for `user root`.
  "mcp-backup-docker-api": ["SETGID"],
};

describe("Docker hardening on the dev stack", () => {
  it("drops ALL in every container and adds back exactly the listed capabilities", () => {
    expect(Object.fromEntries(containers.map((c) => [c.name, c.capabilities?.adds ?? []]))).toEqual(EXPECTED_ADDS);
    for (const c of containers) expect(c.capabilities?.drops, c.name).toEqual(["ALL"]);
  });

  it("sets no-new-privileges on every container, with no exception", () => {
    for (const c of containers) expect(c.securityOpts, c.name).toEqual(["no-new-privileges:true"]);
  });

  it("runs no container privileged; cAdvisor gets /dev/kmsg read-only instead", () => {
    expect(containers.filter((c) => c.privileged).map((c) => c.name)).toEqual([]);
    expect(byName("mcp-cadvisor").devices).toEqual([{ hostPath: "/dev/kmsg", permissions: "r" }]);
    expect(containers.filter((c) => c.devices?.length).map((c) => c.name)).toEqual(["mcp-cadvisor"]);
  });

  it("mounts dockerd's socket into the Docker API proxy alone; the backup reaches it through the proxy's socket", () => {
    const binds = containers.flatMap((c) => (c.mounts ?? []).map((m) => `${c.name} ${m.source}:${m.target}${m.readOnly ? ":ro" : ""}`));
    expect(binds.filter((b) => b.includes("docker.sock"))).toEqual(["mcp-backup-docker-api /var/run/docker.sock:/var/run/docker.sock"]);
    // Host folders that contain the socket: cAdvisor reads them as root (read-only mounts do not
    // refuse connect(2)); node_exporter reads / as nobody, which the socket's 0660 root:docker refuses.
    expect(binds.filter((b) => / \/(var\/run)?:/.test(b))).toEqual([
      "mcp-node-exporter /:/host:ro",
      "mcp-cadvisor /:/rootfs:ro",
      "mcp-cadvisor /var/run:/var/run:ro",
    ]);
    expect(byName("mcp-backup").mounts ?? []).toEqual([]);
  });

  it("renders the proxy with the dev stack's container names", () => {
    const uploads = byName("mcp-backup-docker-api").uploads as { file: string; content: string }[];
    const conf = uploads.find((u) => u.file === "/etc/nginx/docker-api-proxy.conf")!.content;
    expect(conf).toContain("listen unix:/run/docker-api/docker.sock;");
    expect(conf).toContain("server unix:/var/run/docker.sock;");
    expect(conf).toContain('"~^POST /v1\\.(2[4-9]|[3-9][0-9])/containers/mcp-neo4j/stop\\?(t=[0-9]+)$" plain;');
    expect(conf).toContain('"~^DELETE /v1\\.(2[4-9]|[3-9][0-9])/containers/mcp-neo4j-maintenance-lock\\?(force=1)$" plain;');
    const js = uploads.find((u) => u.file === "/etc/nginx/docker-api-proxy.js")!.content;
    expect(js).toContain('"binds":["mcp-neo4j-data:/data","mcp-backup-work:/backups"]');
    expect(js).toContain('"image":"amazon/aws-cli:2.22.0","binds":["mcp-backup-work:/backups"],"networkMode":"mcp-superserver-dev"');
  });
});
