/**
 * The nginx.conf the prod stack mounts, checked by the nginx installed here (1.22). Its cluster
 * names resolve through a private /etc/hosts; `server ... resolve` needs nginx >= 1.27.3, so on
 * an older nginx that one parameter is set aside and everything else is checked.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { describeKubernetesStack, hubUpstreams } from "../../components/kubernetes/stack";
import { PROJECT } from "../../scripts/lib/mockEngine";
import { readStackConfig } from "../../scripts/lib/stackConfigFile";
import { ROOT } from "../support/repo";
import { nginxTest } from "../support/validators";
import { withoutResolve } from "../support/nginxPrefix";

const prodConfig = () => readStackConfig(path.join(ROOT, "Pulumi.prod.yaml"), PROJECT);

function prodNginx() {
  const cfg = prodConfig();
  const stack = describeKubernetesStack(cfg, "prod");
  const conf = stack.services.loadBalancer.workload.files.find((f) => f.name === "nginx.conf")!.content;
  const hubs = hubUpstreams(cfg, stack.services.hub.workload);
  if (hubs.kind !== "resolve") throw new Error("the prod stack resolves the hubs at run time");
  return { conf, names: [hubs.host, hubs.resolver] };
}


describe("prod nginx.conf", () => {
  it("follows the hubs' headless Service through the cluster DNS", () => {
    const { conf } = prodNginx();
    // The headless Service's name in the stack's namespace (<service>.<namespace>.svc.cluster.local,
    // Kubernetes' DNS for Services), and EKS's cluster DNS Service (CoreDNS behind kube-dns in kube-system).
    expect(conf).toContain("server mcp-hub-headless.mcp.svc.cluster.local:3000 resolve ");
    expect(conf).toMatch(/^\s*resolver kube-dns\.kube-system\.svc\.cluster\.local valid=\S+ ipv6=off;$/m);
  });

  it("passes nginx -t for every directive this nginx supports", () => {
    const { conf, names } = prodNginx();
    const asRendered = nginxTest(conf, names);
    // Only `resolve` may be unknown here (nginx < 1.27.3); nothing else is set aside.
    if (asRendered.status !== 0) expect(asRendered.output).toMatch(/invalid parameter "resolve"/);
    const check = nginxTest(withoutResolve(conf), names);
    expect(check.output).toContain("test is successful");
    expect(check.status).toBe(0);
  });

  it("is rejected by nginx -t when broken (the check is live)", () => {
    const { conf, names } = prodNginx();
    const check = nginxTest(withoutResolve(conf).replace("least_conn;", "least_conn bogus;"), names);
    expect(check.status).not.toBe(0);
    expect(check.output).toMatch(/invalid number of arguments in "least_conn"/);
  });
});
