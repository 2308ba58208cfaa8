/** Closed-loop HTTP load: `connections` clients each send their next request when the last is answered. */
import http from "node:http";
import { performance } from "node:perf_hooks";
import { toolCall } from "../../test/support/httpClient";

export interface Measurement {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

/** Tool calls against `baseUrl` for `warmupMs` (not counted), then `durationMs` measured. */
export async function measure(baseUrl: string, connections: number, durationMs: number, warmupMs = 1000): Promise<Measurement> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const start = performance.now();
  const measuredFrom = start + warmupMs;
  const end = measuredFrom + durationMs;
  const client = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const ok = await toolCall(baseUrl, `bench-${sent++}`, { agent, timeoutMs: 30_000 }).then(
        (r) => r.status === 200,
        () => false,
      );
      const t1 = performance.now();
      if (t0 < measuredFrom || t1 > end) continue;
      if (ok) latencies.push(t1 - t0);
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: connections }, client));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requestsPerSecond: latencies.length / (durationMs / 1000),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    errors,
  };
}
