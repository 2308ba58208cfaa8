/** Two load balancers measured in alternating rounds under the same load, for `npm run bench:lb`. */
import { measure, type Measurement } from "./measure";

export const CONNECTIONS = 64;
export const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

export interface Row {
  comparison: string;
  baseline: string;
  candidate: string;
  b: Measurement;
  c: Measurement;
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];

function medianOf(runs: Measurement[]): Measurement {
  return {
    requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    errors: runs.reduce((n, r) => n + r.errors, 0),
  };
}

/**
 * Baseline and candidate measured in alternating rounds, each figure the median of its rounds:
 * a noisy neighbour or a slow start then hits both sides alike.
 */
export async function sideBySide(baselineUrl: string, candidateUrl: string): Promise<{ b: Measurement; c: Measurement }> {
  const b: Measurement[] = [];
  const c: Measurement[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    b.push(await measure(baselineUrl, CONNECTIONS, DURATION_MS));
    c.push(await measure(candidateUrl, CONNECTIONS, DURATION_MS));
  }
  return { b: medianOf(b), c: medianOf(c) };
}
