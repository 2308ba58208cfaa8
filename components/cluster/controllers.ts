/**
 * The controllers a created cluster gets besides EKS's add-ons: the cluster autoscaler and the
 * AWS Load Balancer Controller, each with its own IRSA role. Each waits for its role's policy
 * attachment (the same create and destroy ordering as eks.ts) and for the system nodes.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/schema";
import { createObject } from "../kubernetes/platform";
import type { K8sObject } from "../kubernetes/types";
import { clusterAutoscalerImage } from "../catalog/autoscalerVersions";
import { CLUSTER_AUTOSCALER, CLUSTER_AUTOSCALER_NAMESPACE } from "../contracts/clusterAddons";
import { clusterAutoscalerObjects, clusterAutoscalerPolicy } from "./clusterAutoscaler";
import { irsaTrustPolicy, type PolicyDocument } from "./irsa";
import { LOAD_BALANCER_CONTROLLER, LOAD_BALANCER_CONTROLLER_POLICY, loadBalancerControllerValues } from "./loadBalancerController";

export interface ControllerArgs {
  config: StackConfig;
  clusterName: string;
  region: pulumi.Output<string>;
  vpcId: pulumi.Input<string>;
  oidcProviderArn: pulumi.Output<string>;
  provider: k8s.Provider;
  /** The system node group and the add-ons. */
  ready: pulumi.Resource[];
}

interface IrsaRole {
  role: aws.iam.Role;
  attachment: aws.iam.RolePolicyAttachment;
}

/** A role only the service account can assume, with a customer managed policy (the LBC's is above the inline size limit). */
function irsaRole(name: string, args: ControllerArgs, namespace: string, serviceAccount: string, policy: PolicyDocument, opts: pulumi.CustomResourceOptions): IrsaRole {
  const role = new aws.iam.Role(name, { assumeRolePolicy: args.oidcProviderArn.apply((arn) => JSON.stringify(irsaTrustPolicy(arn, namespace, serviceAccount))) }, opts);
  const managed = new aws.iam.Policy(name, { policy: JSON.stringify(policy) }, opts);
  const attachment = new aws.iam.RolePolicyAttachment(name, { role: role.name, policyArn: managed.arn }, opts);
  return { role, attachment };
}

/** An Output where the pure renderers take a string: the engine resolves it inside the object. */
const deferred = (value: pulumi.Input<string>) => value as unknown as string;

export function createControllers(name: string, args: ControllerArgs, parent: pulumi.Resource): { loadBalancerController: pulumi.Resource; autoscaler: pulumi.Resource[] } {
  const opts = { parent };
  const lbcRole = irsaRole(`${name}-lbc-role`, args, LOAD_BALANCER_CONTROLLER.namespace, LOAD_BALANCER_CONTROLLER.serviceAccount, LOAD_BALANCER_CONTROLLER_POLICY, opts);
  const c = LOAD_BALANCER_CONTROLLER;
  // A Helm release waits until the controller's Deployment is ready (skipAwait unset), so what
  // depends on it finds the controller, and its webhook, serving.
  const loadBalancerController = new k8s.helm.v3.Release(
    `${name}-lbc`,
    {
      name: c.name,
      chart: c.chart,
      version: c.chartVersion,
      repositoryOpts: { repo: c.repository },
      namespace: c.namespace,
      values: loadBalancerControllerValues({ clusterName: args.clusterName, region: deferred(args.region), vpcId: deferred(args.vpcId), roleArn: deferred(lbcRole.role.arn) }),
    },
    { parent, provider: args.provider, dependsOn: [...args.ready, lbcRole.attachment] },
  );
  if (!args.config.cluster.autoscaler.enabled) return { loadBalancerController, autoscaler: [] };
  const caRole = irsaRole(`${name}-autoscaler-role`, args, CLUSTER_AUTOSCALER_NAMESPACE, CLUSTER_AUTOSCALER, clusterAutoscalerPolicy(args.clusterName), opts);
  // Every version of the EKS calendar has a release (test/kubernetes/prod-capacity.test.ts); the config refuses any other version.
  const image = clusterAutoscalerImage(args.config.cluster.version)!;
  const objects = clusterAutoscalerObjects({ clusterName: args.clusterName, region: deferred(args.region), image }).map((o): K8sObject =>
    o.kind === "ServiceAccount" ? { ...o, metadata: { ...o.metadata, annotations: { "eks.amazonaws.com/role-arn": deferred(caRole.role.arn) } } } : o,
  );
  const autoscaler = objects.map((o) => createObject(`${name}-autoscaler`, o, args.provider, { parent, dependsOn: [...args.ready, caRole.attachment] }));
  return { loadBalancerController, autoscaler };
}
