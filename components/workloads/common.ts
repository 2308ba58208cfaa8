import type { HealthCheck, ResourceSpec } from "./types";

/** A health check that GETs a path inside the container with busybox/GNU wget. */
export function httpCheck(port: number, path: string, timing: Partial<HealthCheck> = {}): HealthCheck {
  return {
    probe: { http: { path, port } },
    command: ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${port}${path}`],
    intervalSeconds: 10,
    timeoutSeconds: 5,
    retries: 3,
    startPeriodSeconds: 10,
    ...timing,
  };
}

/** Copies the parsed config's resources (already exact integers) into a workload. */
export function resourceSpec(r: ResourceSpec): ResourceSpec {
  return { limits: { ...r.limits }, requests: { ...r.requests } };
}
