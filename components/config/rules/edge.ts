/**
 * Rules of the load balancer's edge (edgeSchema.ts): an internet-facing prod NLB always has TLS,
 * plain HTTP is a choice written in the config and only for an internal one; rotation keepers
 * and source ranges name things that exist.
 */
import { cidrListIssues } from "./crossKeys";
import type { RuleIssue } from "./issue";
import type { StackConfig } from "../schema";

/**
 * The client the monitoring probe through nginx is: with `healthPublic: false` its /health/ready
 * needs a token too, so the probe gets one of its own (not exported, not a name for config).
 */
export const PROBE_CLIENT = "monitoring-probe";

export function probeNeedsToken(cfg: StackConfig): boolean {
  return cfg.loadBalancer.auth.enabled && !cfg.loadBalancer.auth.healthPublic;
}

/** Whether the NLB in front of nginx terminates TLS (Kubernetes target, mode nlb with a certificate). */
export function edgeTerminatesTls(cfg: StackConfig): boolean {
  const lb = cfg.loadBalancer;
  return cfg.target === "kubernetes" && lb.serviceType === "LoadBalancer" && lb.tls.mode === "nlb" && lb.tls.certificateArn !== undefined;
}

/** Whether clients reach nginx through an internet-facing NLB (the Kubernetes target's default). */
export function internetFacing(cfg: StackConfig): boolean {
  return cfg.target === "kubernetes" && cfg.loadBalancer.serviceType === "LoadBalancer" && !cfg.loadBalancer.internal;
}

function tls(cfg: StackConfig): RuleIssue[] {
  if (cfg.target !== "kubernetes") return [];
  const t = cfg.loadBalancer.tls;
  if (t.mode === "none") {
    if (!internetFacing(cfg)) return [];
    return [
      {
        path: ["loadBalancer", "tls", "mode"],
        effective: t.mode,
        message:
          'is plain HTTP on an internet-facing NLB, where tokens and tool calls would cross the internet in clear; use "nlb" with loadBalancer.tls.certificateArn, or set loadBalancer.internal: true (or a serviceType other than LoadBalancer)',
      },
    ];
  }
  if (cfg.loadBalancer.serviceType === "LoadBalancer" && t.certificateArn === undefined) {
    return [
      {
        path: ["loadBalancer", "tls", "certificateArn"],
        effective: "(not set)",
        message:
          'is required with loadBalancer.tls.mode "nlb" (the default): the ACM certificate the NLB presents, e.g. arn:aws:acm:us-east-1:111122223333:certificate/<id>; plain HTTP needs loadBalancer.tls.mode: none and an internal NLB',
      },
    ];
  }
  return [];
}

/** The hub has no authentication of its own (issue: "the hub itself has no authentication"): on the internet nginx's check is all there is. */
function authOnTheInternet(cfg: StackConfig): RuleIssue[] {
  if (!internetFacing(cfg) || cfg.loadBalancer.auth.enabled) return [];
  return [
    {
      path: ["loadBalancer", "auth", "enabled"],
      effective: "false",
      message: "is not allowed on an internet-facing NLB: the hub has no authentication of its own, so anyone who finds the address could drive every MCP tool; keep true, or set loadBalancer.internal: true",
    },
  ];
}

function rotationNamesClients(cfg: StackConfig): RuleIssue[] {
  const a = cfg.loadBalancer.auth;
  return Object.keys(a.rotation)
    .filter((name) => !a.clients.includes(name))
    .map((name) => ({
      path: ["loadBalancer", "auth", "rotation", name],
      effective: a.rotation[name],
      message: `names no client of loadBalancer.auth.clients (${a.clients.join(", ")}); rotate one of those, or remove the entry`,
    }));
}

function clientNames(cfg: StackConfig): RuleIssue[] {
  const clients = cfg.loadBalancer.auth.clients;
  return clients
    .map((name, i) => ({ name, i }))
    .flatMap(({ name, i }) => {
      const path = ["loadBalancer", "auth", "clients", i];
      if (name === PROBE_CLIENT) return [{ path, effective: name, message: "is the name of the monitoring probe's own token; pick another name" }];
      if (clients.indexOf(name) !== i) return [{ path, effective: name, message: "is listed twice; each client has one token, list each name once" }];
      return [];
    });
}

function sourceRanges(cfg: StackConfig): RuleIssue[] {
  const ranges = cfg.loadBalancer.sourceRanges;
  if (ranges === undefined) return [];
  const issues: RuleIssue[] = [];
  if (cfg.target !== "kubernetes" || cfg.loadBalancer.serviceType !== "LoadBalancer") {
    issues.push({
      path: ["loadBalancer", "sourceRanges"],
      effective: JSON.stringify(ranges),
      message: "applies only to the Kubernetes target with loadBalancer.serviceType LoadBalancer (the NLB); remove it",
    });
  }
  return [...issues, ...cidrListIssues(["loadBalancer", "sourceRanges"], ranges)];
}

export function edgeIssues(cfg: StackConfig): RuleIssue[] {
  return [...tls(cfg), ...authOnTheInternet(cfg), ...clientNames(cfg), ...rotationNamesClients(cfg), ...sourceRanges(cfg)];
}
