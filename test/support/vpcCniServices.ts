/**
 * Which Service ClusterIPs the VPC CNI's policy controller admits for one egress rule, after
 * aws/amazon-network-policy-controller-k8s `pkg/resolvers/endpoints.go` (`getMatchingServiceClusterIPs`,
 * with `pkg/k8s/service_utils.go` `LookupServiceListenPort`), taking the strictest behaviour any
 * released controller had (its issues #147 and #224):
 * - headless Services are skipped;
 * - the peer's podSelector, read as a label selector, must match the Service's `selector` map;
 * - a rule port admits a Service port only when the Service port and its numeric targetPort both
 *   equal it (older controllers compared the rule port with the Service port itself; current ones
 *   map a numeric rule port through targetPort: both admit such a port).
 * Only same-namespace Services of peers without a namespaceSelector are considered here, which
 * is every in-namespace flow of this stack.
 */
export interface ServiceObject {
  metadata: { name: string; namespace?: string };
  spec: { clusterIP?: string; selector?: Record<string, string>; ports: { port: number; targetPort?: number | string; protocol?: string }[] };
}

export interface AdmittedClusterIp {
  service: string;
  port: number;
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

export function admittedClusterIps(peer: { podSelector?: { matchLabels?: Record<string, string> } }, rulePorts: { port: number }[], services: ServiceObject[]): AdmittedClusterIp[] {
  const selector = peer.podSelector?.matchLabels ?? {};
  return services
    .filter((s) => s.spec.clusterIP !== "None")
    .filter((s) => matches(selector, s.spec.selector ?? {}))
    .flatMap((s) =>
      rulePorts.flatMap((rp) =>
        s.spec.ports.filter((sp) => sp.port === rp.port && sp.targetPort === rp.port && (sp.protocol ?? "TCP") === "TCP").map((sp) => ({ service: s.metadata.name, port: sp.port })),
      ),
    );
}
