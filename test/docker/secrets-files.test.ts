/**
 * Secrets reach containers as files, read-only, readable by the image's user only, on both
 * targets; an environment variable carries a secret only where the image reads it from nowhere
 * else (the README's list, literal here).
 */
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { unwrapSecrets, type MockRun } from "../../scripts/lib/mockEngine";
import { CONTAINER, declareStack, k8sObjects, ofType, runProd } from "../support/mockStack";

/** The README's "Secrets in environment variables" list: container (Docker) or pod container (Kubernetes), and variable. */
const ENV_ONLY_DOCKER = ["mcp-hub-1 NEO4J_PASSWORD", "mcp-hub-2 NEO4J_PASSWORD", "mcp-hub-3 NEO4J_PASSWORD"];
const ENV_ONLY_KUBERNETES = ["mcp-hub/hub NEO4J_PASSWORD"];

const FILE_VARIABLE = /^[A-Z0-9_]+_FILE$/;

describe("on Docker", () => {
  let run: MockRun;
  let containers: any[];
  beforeAll(async () => {
    // A receiver makes Alertmanager's config a secret file too.
    run = await declareStack({ target: "docker", ollama: { gpu: { enabled: false } }, alertmanager: { receivers: { paging: { url: "https://pager.example.com/hook/A" } } } });
    containers = ofType(run, CONTAINER).map((r) => unwrapSecrets(r.inputs));
  });
  const envOf = (c: any): [string, string][] => (c.envs ?? []).map((e: string) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]);
  // nginx's client-tokens file holds the tokens' SHA-256 digests (hex), not the tokens.
  const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
  const secrets = () => [...run.generatedSecrets, ...run.generatedSecrets.map(sha256), "https://pager.example.com/hook/A"];

  it("no container's env holds a secret but the README's env-only ones", () => {
    const holding = containers.flatMap((c) => envOf(c).filter(([, v]) => secrets().some((s) => v.includes(s))).map(([k]) => `${c.name} ${k}`));
    expect(holding.sort()).toEqual(ENV_ONLY_DOCKER);
  });

  it("uploads every secret file 0400, owned by the user its image reads it as", () => {
    const uploads = containers.flatMap((c) => (c.uploads ?? []).filter((u: any) => secrets().some((s) => u.content.includes(s))).map((u: any) => `${c.name} ${u.file} ${u.permissions} ${u.owner}:${u.group}`));
    expect(uploads.sort()).toEqual([
      "mcp-alertmanager /etc/alertmanager/alertmanager.yml 0400 65534:65534",
      "mcp-backup /run/secrets/object-store-password 0400 0:0",
      "mcp-grafana /run/secrets/grafana-admin-password 0400 472:0",
      "mcp-minio /run/secrets/object-store-password 0400 0:0",
      "mcp-neo4j /run/secrets/neo4j-auth 0400 7474:7474",
      "mcp-nginx /run/secrets/client-tokens 0400 101:101",
      "mcp-nginx /run/secrets/mcp-session-key 0400 101:101",
    ]);
  });

  it("points every *_FILE variable at a secret file uploaded into that container", () => {
    const pointers = containers.flatMap((c) => envOf(c).filter(([k]) => FILE_VARIABLE.test(k)).map(([k, v]) => ({ c, k, v })));
    expect(pointers.map(({ c, k, v }) => `${c.name} ${k}=${v}`).sort()).toEqual([
      "mcp-grafana GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/grafana-admin-password",
      "mcp-minio MINIO_ROOT_PASSWORD_FILE=/run/secrets/object-store-password",
      "mcp-neo4j NEO4J_AUTH_FILE=/run/secrets/neo4j-auth",
    ]);
    for (const { c, v } of pointers) expect((c.uploads as any[]).find((u) => u.file === v)?.permissions).toBe("0400");
  });

  it("writes Neo4j's file in the form NEO4J_AUTH takes (neo4j/<password>)", () => {
    const neo4j = containers.find((c) => c.name === "mcp-neo4j");
    // The first password the stack generates is Neo4j's (the hubs get the same one).
    expect(neo4j.uploads.find((u: any) => u.file === "/run/secrets/neo4j-auth").content).toBe(`neo4j/${run.generatedSecrets[0]}`);
  });
});

describe("on Kubernetes", () => {
  let pods: { owner: string; spec: any }[];
  let secretNames: Record<string, string[]>;
  beforeAll(async () => {
    const run = await runProd();
    pods = ["Deployment", "StatefulSet", "DaemonSet"].flatMap((kind) => k8sObjects(run, kind).map((o) => ({ owner: o.metadata.name, spec: o.spec.template.spec })));
    pods.push(...k8sObjects(run, "CronJob").map((o) => ({ owner: o.metadata.name, spec: o.spec.jobTemplate.spec.template.spec })));
    secretNames = Object.fromEntries(k8sObjects(run, "Secret").map((s) => [s.metadata.name, Object.keys(s.stringData ?? {})]));
  });
  const containersOf = (spec: any): any[] => [...(spec.initContainers ?? []), ...spec.containers];

  it("no container's env takes a Secret but the README's env-only ones", () => {
    const fromSecrets = pods.flatMap(({ owner, spec }) => containersOf(spec).flatMap((c) => (c.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => `${owner}/${c.name} ${e.name}`)));
    expect(fromSecrets.sort()).toEqual(ENV_ONLY_KUBERNETES);
    expect(pods.flatMap(({ spec }) => containersOf(spec).flatMap((c) => c.envFrom ?? []))).toEqual([]);
  });

  it("mounts every secret volume read-only with mode 0440 (the pod's fsGroup reads it)", () => {
    const volumes = pods.flatMap(({ owner, spec }) => (spec.volumes ?? []).filter((v: any) => v.secret).map((v: any) => ({ owner, v, fsGroup: spec.securityContext.fsGroup, runAsGroup: spec.securityContext.runAsGroup })));
    expect(volumes.map(({ owner, v, fsGroup }) => `${owner} ${v.secret.secretName} ${v.secret.defaultMode.toString(8)} fsGroup=${fsGroup}`).sort()).toEqual([
      "alertmanager alertmanager-secret-files 440 fsGroup=65534",
      "grafana grafana-secret-files 440 fsGroup=472",
      "neo4j neo4j-secret-files 440 fsGroup=7474",
      "nginx nginx-secret-files 440 fsGroup=101",
    ]);
    for (const { fsGroup, runAsGroup } of volumes) expect(runAsGroup).toBe(fsGroup);
    const mounts = pods.flatMap(({ spec }) => {
      const secretVolumes = new Set((spec.volumes ?? []).filter((v: any) => v.secret).map((v: any) => v.name));
      return containersOf(spec).flatMap((c) => (c.volumeMounts ?? []).filter((m: any) => secretVolumes.has(m.name)));
    });
    // nginx mounts two files of its Secret: the session key and the client tokens.
    expect(mounts.length).toBe(5);
    for (const m of mounts) expect(m.readOnly).toBe(true);
  });

  it("points every *_FILE variable at a file mounted from the pod's secret volume", () => {
    const pointers = pods.flatMap(({ owner, spec }) =>
      containersOf(spec).flatMap((c) => (c.env ?? []).filter((e: any) => FILE_VARIABLE.test(e.name)).map((e: any) => ({ owner, c, spec, e }))),
    );
    expect(pointers.map(({ owner, e }) => `${owner} ${e.name}=${e.value}`).sort()).toEqual([
      "grafana GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/grafana-admin-password",
      "neo4j NEO4J_AUTH_FILE=/run/secrets/neo4j-auth",
    ]);
    for (const { c, spec, e } of pointers) {
      const mount = c.volumeMounts.find((m: any) => m.mountPath === e.value);
      const volume = spec.volumes.find((v: any) => v.name === mount.name);
      expect(secretNames[volume.secret.secretName]).toContain(mount.subPath);
    }
  });
});
