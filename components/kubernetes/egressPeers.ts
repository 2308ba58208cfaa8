/**
 * Where the namespace's egress toward things outside the cluster's pods may go, as narrow as the
 * VPC CNI lets a NetworkPolicy say it. Its policy engine takes standard NetworkPolicies: peers are
 * pods or `ipBlock` CIDRs (with `except`), never prefix lists or host names (EKS User Guide,
 * "Configure your cluster for Kubernetes network policies"; host-name rules are EKS Auto Mode's
 * only: "Use Network Policies with EKS Auto Mode", DNS-based enforcement). `except` is honoured
 * since network policy agent v1.0.4 (aws/aws-network-policy-agent#92, #78).
 */
import type { StackConfig } from "../config/schema";
import type { Peer } from "./networkPolicy";

/** Every IPv4 address. */
export const ANY_HOST = "0.0.0.0/0";

/**
 * Addresses that are not on the internet: RFC 1918 (the VPC, its pods and Services), shared
 * address space (RFC 6598, pods on custom networking) and link-local (RFC 3927: the instance
 * metadata service). Egress that only needs public endpoints leaves them out, so it cannot reach
 * another pod, node or in-VPC host on the same port.
 */
export const NON_PUBLIC_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"];

export const PUBLIC_INTERNET: Peer = { cidr: ANY_HOST, except: NON_PUBLIC_RANGES };

/**
 * The Kubernetes API as in-cluster clients reach it: `kubernetes.default.svc`, the `kubernetes`
 * Service's ClusterIP, which the API server allocates as the first address of the service range
 * (Kubernetes docs, "Service ClusterIP allocation"). The VPC CNI matches egress before kube-proxy
 * translates a ClusterIP (that is why its controller adds Services' ClusterIPs to pod peers,
 * networkPolicy.ts), so the ClusterIP is the address to allow. A cluster the stack creates keeps
 * EKS's service range, which EKS takes from 10.100.0.0/16 or 172.20.0.0/16 (EKS API Reference,
 * KubernetesNetworkConfigRequest, serviceIpv4Cidr): both first addresses are allowed. An existing
 * cluster's range is not known to the stack, so its API stays reachable at any address on 443.
 */
export const EKS_DEFAULT_KUBERNETES_SERVICE_IPS = ["10.100.0.1", "172.20.0.1"];

export function kubernetesApiPeers(cfg: StackConfig): Peer[] {
  return cfg.cluster.mode === "create" ? EKS_DEFAULT_KUBERNETES_SERVICE_IPS.map((ip) => ({ cidr: `${ip}/32` })) : [{ cidr: ANY_HOST }];
}

/**
 * Where S3 and STS answer: AWS's public ranges in a VPC the stack creates (it makes no interface
 * endpoints; a gateway endpoint would still route to S3's public addresses). A VPC of one's own
 * (`cluster.vpc.id`) or an existing cluster may serve them from interface endpoints at private
 * addresses in the VPC (VPC User Guide, "Access AWS services through AWS PrivateLink"), so there
 * any address stays allowed.
 */
export function awsApiPeer(cfg: StackConfig): Peer {
  return cfg.cluster.mode === "create" && !cfg.cluster.vpc.id ? PUBLIC_INTERNET : { cidr: ANY_HOST };
}
