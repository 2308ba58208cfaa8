/**
 * Quantities the way Pulumi users write them: `pulumi config set --path x.cpu 2` stores the
 * number 2 (not the string "2"), and YAML `memory: 536870912` is a number too.
 */
import { describe, expect, it } from "vitest";
import { configProblems } from "../support/configProblems";
import { parseStackConfig } from "../../components/config/parse";

const problems = configProblems;

describe("numbers where quantities are expected", () => {
  it("reads cpu: 2 as 2 CPUs and cpu: 0.5 as 500m", () => {
    const cfg = parseStackConfig({ hub: { resources: { limits: { cpu: 2 }, requests: { cpu: 0.5 } } } });
    expect([cfg.hub.resources.limits.cpu, cfg.hub.resources.requests.cpu]).toEqual([2000, 500]);
  });

  it("reads a memory number as a byte count", () => {
    const cfg = parseStackConfig({ hub: { resources: { limits: { memory: 536870912 } } } });
    expect(cfg.hub.resources.limits.memory).toBe(512 * 1024 ** 2);
  });

  it.each([
    [{ hub: { resources: { limits: { memory: 1.5 } } } }, "mcp-superserver:hub.resources.limits.memory: 1.5 is not a whole number of bytes; use forms like 512Mi or 1Gi"],
    [{ hub: { resources: { limits: { cpu: 0.0001 } } } }, "mcp-superserver:hub.resources.limits.cpu: 0.0001 is finer than 1m; CPU is counted in whole millicores (e.g. 250m)"],
    [{ hub: { resources: { limits: { cpu: -1 } } } }, "mcp-superserver:hub.resources.limits.cpu: -1 is not a CPU quantity; use forms like 500m, 1 or 1.5"],
    [{ neo4j: { storage: true } }, "mcp-superserver:neo4j.storage: true is neither a quantity nor a number; use forms like 512Mi or 1Gi"],
  ])("refuses %j", (raw, message) => {
    expect(problems(raw)).toEqual([message]);
  });
});
