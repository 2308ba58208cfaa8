/**
 * Every rendered file of the dev stack is accepted by the tool that will read it, and a broken
 * input is refused by the same tool (so the check can fail).
 */
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../components/config";
import { describeDockerStack } from "../../components/docker/stack";
import { renderAlertmanagerConfig } from "../../components/render/alertmanager";
import { nginxConf } from "../../components/workloads/loadBalancer";
import { alertmanagerConfig } from "../../components/workloads/monitoring";
import type { Workload } from "../../components/workloads/types";
import {
  amtoolCheckConfig,
  blackboxCheckConfig,
  nginxTest,
  promtoolCheckConfig,
  promtoolCheckRules,
  shellSyntax,
} from "../support/validators";
import { withoutResolve } from "../support/nginxPrefix";

const cfg = parseStackConfig({});
const stack = describeDockerStack(cfg, "dev");
const file = (w: Workload, name: string) => {
  const f = w.files.find((x) => x.name === name);
  if (!f) throw new Error(`${w.name} has no file ${name}`);
  return f;
};

describe("nginx.conf", () => {
  // Upstream host names must resolve for nginx -t: the renderer takes loopback upstreams here.
  const loopback = { kind: "static" as const, servers: [3001, 3002, 3003].map((port) => ({ host: "127.0.0.1", port })) };

  it("passes nginx -t, with least_conn over every replica", () => {
    const conf = nginxConf(cfg, loopback);
    const r = nginxTest(conf);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain("syntax is ok");
    const upstream = conf.slice(conf.indexOf("upstream mcp_hub"), conf.indexOf("}", conf.indexOf("upstream mcp_hub")));
    expect(upstream).toContain("least_conn;");
    expect(upstream.match(/^\s*server 127\.0\.0\.1:300[123] /gm)).toHaveLength(3);
  });

  it("nginx -t refuses a config whose upstream does not resolve", () => {
    const r = nginxTest(nginxConf(cfg, { kind: "static", servers: [{ host: "no-such-host.invalid", port: 3000 }] }));
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/host not found in upstream/);
  });

  it("the dev stack's file lists the hub replicas by their container names, re-resolved through Docker's DNS", () => {
    const conf = file(stack.services.loadBalancer, "nginx.conf").content;
    for (const n of [1, 2, 3]) expect(conf).toContain(`server mcp-hub-${n}:3000 resolve max_fails=3 fail_timeout=10s;`);
    expect(conf.split("\n").map((l) => l.trim())).toContain("resolver 127.0.0.11 valid=5s ipv6=off;");
    const r = nginxTest(withoutResolve(conf), ["mcp-hub-1", "mcp-hub-2", "mcp-hub-3"]);
    expect(r.status, r.output).toBe(0);
  });
});

describe("Prometheus", () => {
  const prometheusYml = file(stack.services.prometheus, "prometheus.yml");
  const rules = file(stack.services.prometheus, "alert-rules.yml");

  it("promtool check config accepts prometheus.yml with its rule file", () => {
    const r = promtoolCheckConfig(prometheusYml.content, { [rules.mountPath]: rules.content });
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain("1 rule files found");
  });

  it("promtool check rules accepts the alert rules", () => {
    const r = promtoolCheckRules(rules.content);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it("promtool refuses a rule file with a broken expression", () => {
    const r = promtoolCheckRules(rules.content.replace("vector(1)", "vector(1"));
    expect(r.status).not.toBe(0);
  });

  it("blackbox_exporter accepts its modules", () => {
    const r = blackboxCheckConfig(file(stack.services.blackbox, "blackbox.yml").content);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain("Config file is ok");
  });
});

describe("alertmanager.yml", () => {
  it("amtool accepts it without receivers (dev)", () => {
    const r = amtoolCheckConfig(file(stack.services.alertmanager, "alertmanager.yml").content);
    expect(r.status, r.output).toBe(0);
  });

  it("amtool accepts it with every receiver set", () => {
    const conf = alertmanagerConfig(cfg, {
      paging: "https://pager.example.com/hook",
      chat: "https://chat.example.com/hook",
      watchdog: "https://deadman.example.com/ping",
    });
    const r = amtoolCheckConfig(conf);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain("3 receivers");
  });

  it("amtool refuses a receiver URL that is not a URL", () => {
    const conf = renderAlertmanagerConfig({ receivers: { paging: "::not a url" }, groupWait: "30s", groupInterval: "5m", repeatInterval: "4h" });
    expect(amtoolCheckConfig(conf).status).not.toBe(0);
  });
});

describe("backup job", () => {
  it("the backup script parses in sh and the crontab runs it at the configured schedule", () => {
    const script = file(stack.backup, "mcp-backup");
    expect(shellSyntax(script.content).status).toBe(0);
    expect(script.executable).toBe(true);
    expect(file(stack.backup, "crontab").content).toBe(
      `0 2 * * * ${script.mountPath} > /proc/1/fd/1 2>&1\n0 4 * * 0 /usr/local/bin/mcp-verify > /proc/1/fd/1 2>&1\n`,
    );
  });
});
