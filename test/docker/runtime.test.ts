/**
 * How the Docker target stops and logs its containers: a grace period per service (the provider
 * otherwise removes containers with SIGKILL on replace and destroy) and log rotation on every
 * container from one config key.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../components/config/errors";
import { parseStackConfig } from "../../components/config/parse";
import { dockerContainerSpec } from "../../components/docker/container";
import { hubWorkload } from "../../components/workloads/hub";
import type { MockRun } from "../../scripts/lib/mockEngine";
import { CONTAINER, container, declareStack, ofType } from "../support/mockStack";

let run: MockRun;
let rotated: MockRun;
beforeAll(async () => {
  run = await declareStack({ ollama: { gpu: { enabled: false } } });
  rotated = await declareStack({ ollama: { gpu: { enabled: false } }, docker: { logs: { maxSize: "50m", maxFiles: 5 } } });
});

describe("stop grace periods", () => {
  it("gives Neo4j the official chart's 3600 s to checkpoint and Prometheus the operator's 600 s to close its WAL, on stop and on destroy", () => {
    const grace = (name: string) => [container(run, name).stopTimeout, container(run, name).destroyGraceSeconds];
    // At least the 120 s and 30 s a laptop needs; the same budget as on Kubernetes.
    expect(grace("mcp-neo4j")).toEqual([3600, 3600]);
    expect(grace("mcp-prometheus")).toEqual([600, 600]);
  });

  it("maps a workload's stopGraceSeconds, e.g. a hub's 35 s (above its 30 s in-flight limit)", () => {
    const cfg = parseStackConfig({});
    const spec = dockerContainerSpec({ ...hubWorkload(cfg), stopGraceSeconds: 35 }, "mcp-hub-1", cfg.docker);
    expect([spec.stopTimeout, spec.destroyGraceSeconds]).toEqual([35, 35]);
  });

  it("leaves the Docker defaults where a workload sets none", () => {
    const c = container(run, "mcp-grafana");
    expect([c.stopTimeout, c.destroyGraceSeconds]).toEqual([undefined, undefined]);
  });
});

describe("log rotation", () => {
  it("rotates every container's json-file log at 10m, keeping 3 files", () => {
    const containers = ofType(run, CONTAINER).map((r) => container(run, r.inputs.name as string));
    expect(containers.length).toBeGreaterThan(10);
    for (const c of containers) expect([c.name, c.logDriver, c.logOpts]).toEqual([c.name, "json-file", { "max-size": "10m", "max-file": "3" }]);
  });

  it("follows docker.logs on every container", () => {
    for (const r of ofType(rotated, CONTAINER)) expect(r.inputs.logOpts).toEqual({ "max-size": "50m", "max-file": "5" });
  });

  it("refuses a size json-file does not understand", () => {
    const error = (() => {
      try {
        parseStackConfig({ docker: { logs: { maxSize: "10MB" } } });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'mcp-superserver:docker.logs.maxSize: "10MB" is not a json-file log size; use a whole number with k, m or g, e.g. 10m',
    ]);
  });
});
