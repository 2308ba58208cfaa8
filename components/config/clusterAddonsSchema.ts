/** Config of what the stack installs into a cluster it creates: the cluster autoscaler. */
import { z } from "zod";

export const autoscalerSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .describe(
        "Create mode: run the Kubernetes cluster autoscaler (its version follows `cluster.version`), which moves each node group between its minSize and maxSize; off, the node groups keep desiredSize.",
      )
      .default(true),
  })
  .prefault({})
  .describe("Create mode: the cluster autoscaler for the managed node groups.");
