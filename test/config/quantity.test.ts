import { describe, expect, it } from "vitest";
import {
  bytesToDockerMiB,
  formatBytes,
  formatMillicores,
  millicoresToCpuShares,
  millicoresToDockerCpus,
  millicoresToNanoCpus,
  parseBytes,
  parseMillicores,
} from "../../components/config/quantity";

describe("memory quantities", () => {
  it.each([
    ["512Mi", 512 * 2 ** 20],
    ["1Gi", 2 ** 30],
    ["0.5Gi", 2 ** 29],
    ["1.5Gi", 1.5 * 2 ** 30],
    ["8G", 8e9],
    ["100M", 1e8],
    ["128974848", 128974848],
    ["129e6", 129e6],
    ["1k", 1000],
    ["1Ki", 1024],
    ["2Ti", 2 * 2 ** 40],
  ])("%s is exactly %d bytes", (text, bytes) => {
    expect(parseBytes(text)).toEqual({ ok: true, value: bytes });
  });

  it.each(["512MB", "1gi", "Gi", "1.5", "-1Gi", "1 Gi", "", "0.1Ki", "500m"])("rejects %j", (text) => {
    expect(parseBytes(text).ok).toBe(false);
  });

  it("round-trips through the shortest exact form", () => {
    for (const text of ["512Mi", "1Gi", "32Gi", "1536Mi", "1Ki", "1000"]) {
      const r = parseBytes(text);
      expect(r.ok && formatBytes(r.value)).toBe(text);
    }
  });
});

describe("CPU quantities", () => {
  it.each([
    ["500m", 500],
    ["1", 1000],
    ["1.5", 1500],
    ["0.25", 250],
    ["2", 2000],
    ["1e-3", 1],
  ])("%s is %d millicores", (text, milli) => {
    expect(parseMillicores(text)).toEqual({ ok: true, value: milli });
  });

  it.each(["0.0005", "1.5m", "one", "1Gi", "500 m"])("rejects %j", (text) => {
    expect(parseMillicores(text).ok).toBe(false);
  });

  it("formats back to Kubernetes notation", () => {
    expect([formatMillicores(500), formatMillicores(1000), formatMillicores(2500)]).toEqual(["500m", "1", "2500m"]);
  });
});

describe("exact conversion for Docker", () => {
  it("memory goes to whole MiB and refuses anything finer", () => {
    expect(bytesToDockerMiB(512 * 2 ** 20)).toBe(512);
    expect(bytesToDockerMiB(2 ** 30)).toBe(1024);
    expect(() => bytesToDockerMiB(1e9)).toThrow(/not a whole number of MiB/);
  });

  it("CPU limits become decimal CPU counts and nano-CPUs without rounding", () => {
    expect([1000, 500, 1500, 1, 2250].map(millicoresToDockerCpus)).toEqual(["1", "0.5", "1.5", "0.001", "2.25"]);
    expect(millicoresToNanoCpus(500)).toBe(500_000_000);
  });

  it("CPU requests become cgroup shares the way the kubelet computes them", () => {
    expect([500, 1000, 250, 1].map(millicoresToCpuShares)).toEqual([512, 1024, 256, 2]);
  });
});
