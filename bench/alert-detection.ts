/**
 * Detection time of MCPHubDown: from the hub stopping to the paging webhook receiving the alert,
 * measured with the real prometheus, alertmanager and blackbox_exporter on 127.0.0.1 (the live
 * test's harness), next to its theoretical bound for the same intervals.
 *
 *   npx tsx bench/alert-detection.ts [--trials N]
 */
import { parseArgs } from "node:util";
import { parseStackConfig } from "../components/config/parse";
import { RUNBOOK_TIMING } from "../components/render/alertRules";
import { FAST_TIMING, hubDownDetectionBoundSeconds, startLiveMonitoring, type LiveTiming } from "../test/support/liveMonitoring";

async function trial(): Promise<number> {
  const live = await startLiveMonitoring(FAST_TIMING);
  try {
    const stoppedAt = Date.now();
    await live.hub.kill();
    const { delivery } = await live.webhooks.firing("/paging", "MCPHubDown", stoppedAt, 60_000);
    return (delivery.receivedAt - stoppedAt) / 1000;
  } finally {
    await live.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { trials: { type: "string", default: "3" } } });
  const trials = Number(values.trials);
  if (!Number.isInteger(trials) || trials < 1 || trials > 20) throw new Error("--trials must be a whole number from 1 to 20");

  const bound = hubDownDetectionBoundSeconds(FAST_TIMING);
  console.log(
    `MCPHubDown detection, scrape ${FAST_TIMING.scrapeInterval}, evaluation ${FAST_TIMING.evaluationInterval}, ` +
      `for scaled x${FAST_TIMING.rules.pendingScale}, group_wait ${FAST_TIMING.groupWait}: bound ${bound.toFixed(1)} s`,
  );
  console.log("trial  measured_s  bound_s  measured/bound");
  const measured: number[] = [];
  for (let i = 1; i <= trials; i++) {
    const seconds = await trial();
    measured.push(seconds);
    console.log(`${String(i).padStart(5)}  ${seconds.toFixed(2).padStart(10)}  ${bound.toFixed(1).padStart(7)}  ${(seconds / bound).toFixed(2).padStart(14)}`);
  }
  const mean = measured.reduce((a, b) => a + b, 0) / measured.length;
  console.log(`mean   ${mean.toFixed(2).padStart(10)}  ${bound.toFixed(1).padStart(7)}  ${(mean / bound).toFixed(2).padStart(14)}`);

  // The same bound for the deployed defaults, where each term is minutes, not seconds.
  const cfg = parseStackConfig({});
  const production: LiveTiming = {
    scrapeInterval: cfg.prometheus.scrapeInterval,
    evaluationInterval: cfg.prometheus.evaluationInterval,
    rules: RUNBOOK_TIMING,
    groupWait: cfg.alertmanager.groupWait,
  };
  console.log(`bound with the stack defaults (not measured here): ${hubDownDetectionBoundSeconds(production)} s`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
