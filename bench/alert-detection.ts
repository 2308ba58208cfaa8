/**
 * Detection time of the two hub pages: from the hub stopping to the paging webhook receiving
 * MCPHubDown (its scrapes fail) and MCPHubUnreachable (the probe through nginx fails), measured
 * with the real prometheus, alertmanager, blackbox_exporter and nginx on 127.0.0.1 (the live
 * test's harness), next to the bound computed from the same config. One stop per trial shows
 * both alerts; the median is reported.
 *
 *   npx tsx bench/alert-detection.ts [--trials N] [--timing default|fast]
 *
 * `default` runs the stack's deployed intervals (15 s scrapes and evaluations, `for` as in the
 * runbook): about 1.5 minutes a trial. `fast` runs the live test's seconds-scaled timing.
 */
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { FAST_TIMING, defaultTiming, detectionBoundSeconds, startLiveMonitoring, type LiveTiming } from "../test/support/liveMonitoring";
import { prometheusFiles } from "../test/support/stackFiles";

/** Each alert's `for` as the stack renders it. */
const rendered = (parse(prometheusFiles()["alert-rules.yml"]) as { groups: { rules: { alert: string; for: string }[] }[] }).groups.flatMap((g) => g.rules);
const ALERTS = ["MCPHubDown", "MCPHubUnreachable"].map((alert) => ({ alert, for: rendered.find((r) => r.alert === alert)!.for }));

async function trial(timing: LiveTiming, timeoutMs: number): Promise<number[]> {
  const live = await startLiveMonitoring(timing);
  try {
    const stoppedAt = Date.now();
    await live.hub.kill();
    const deliveries = await Promise.all(ALERTS.map((a) => live.webhooks.firing("/paging", a.alert, stoppedAt, timeoutMs)));
    return deliveries.map(({ delivery }) => (delivery.receivedAt - stoppedAt) / 1000);
  } finally {
    await live.stop();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { trials: { type: "string", default: "3" }, timing: { type: "string", default: "default" } } });
  const trials = Number(values.trials);
  if (!Number.isInteger(trials) || trials < 1 || trials > 20) throw new Error("--trials must be a whole number from 1 to 20");
  if (values.timing !== "default" && values.timing !== "fast") throw new Error(`--timing must be default or fast, got ${values.timing}`);
  const timing = values.timing === "default" ? defaultTiming() : FAST_TIMING;
  // A stopped hub is refused at once: the probe through nginx answers 502 within milliseconds.
  const bounds = ALERTS.map((a) => detectionBoundSeconds(timing, a.for));
  console.log(
    `timing ${values.timing}: scrape ${timing.scrapeInterval}, evaluation ${timing.evaluationInterval}, ` +
      `for x${timing.rules.pendingScale}; bounds ${ALERTS.map((a, i) => `${a.alert} ${bounds[i]} s`).join(", ")}`,
  );
  console.log(`trial  ${ALERTS.map((a) => a.alert.padStart(18)).join("  ")}`);
  const measured: number[][] = ALERTS.map(() => []);
  const timeoutMs = (Math.max(...bounds) + 30) * 1000;
  for (let i = 1; i <= trials; i++) {
    const seconds = await trial(timing, timeoutMs);
    seconds.forEach((s, j) => measured[j].push(s));
    console.log(`${String(i).padStart(5)}  ${seconds.map((s) => s.toFixed(2).padStart(18)).join("  ")}`);
  }
  console.log("\nalert               median_s  bound_s  median/bound");
  ALERTS.forEach((a, j) => {
    const m = median(measured[j]);
    console.log(`${a.alert.padEnd(18)}  ${m.toFixed(2).padStart(8)}  ${bounds[j].toFixed(1).padStart(7)}  ${(m / bounds[j]).toFixed(2).padStart(12)}`);
  });
  if (values.timing === "fast") {
    console.log(`bounds with the stack defaults (run --timing default to measure): ${ALERTS.map((a) => `${a.alert} ${detectionBoundSeconds(defaultTiming(), a.for)} s`).join(", ")}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
