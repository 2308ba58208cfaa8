/** The stack's load-balancer settings (the defaults, or those of `raw`), as the stack hands them to the renderer, over hubs on 127.0.0.1. */
import { parseStackConfig } from "../../components/config";
import { nginxInput } from "../../components/workloads/loadBalancer";

export function stackNginxSettings(ports: number[], raw: Record<string, unknown> = {}) {
  const servers = ports.map((port) => ({ host: "127.0.0.1", port }));
  const { listenPort, statusPort, bindAddress, runDir, ...settings } = nginxInput(parseStackConfig(raw), { kind: "static", servers });
  return settings;
}

/**
 * The stack's settings without the token check, for the benchmark: it compares proxying (least_conn,
 * keepalive, HAProxy as the peer, which checks no tokens), and its load would run into the per-client limit.
 */
export const WITHOUT_CLIENT_AUTH = { loadBalancer: { auth: { enabled: false } } };
