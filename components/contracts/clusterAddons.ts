/**
 * Names of the cluster add-ons a created cluster runs, which the cluster installs (cluster/) and
 * the namespace's monitoring watches (kubernetes/stack.ts): both sides must agree, so the names
 * are here once, below both.
 */

/** The cluster autoscaler's Deployment, container and ServiceAccount, in the namespace its upstream example uses. */
export const CLUSTER_AUTOSCALER = "cluster-autoscaler";
export const CLUSTER_AUTOSCALER_NAMESPACE = "kube-system";

/** The NVIDIA device plugin's DaemonSet and container (it runs in kube-system). */
export const DEVICE_PLUGIN_NAME = "nvidia-device-plugin";
