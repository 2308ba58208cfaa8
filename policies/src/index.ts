/** Every policy of the pack, in the order; `policies/index.ts` serves exactly these. */
import type { Policies } from "@pulumi/policy";
import { memoryAlertThresholds } from "./alerts";
import { hubHighAvailability } from "./availability";
import { backupBucketProtection } from "./bucket";
import { noContainerKeepsAllCapabilities } from "./capabilities";
import { internetFacingServiceSecured } from "./edgeExposure";
import { namespaceDefaultDeny } from "./networkIsolation";
import { nodePoolCapacity } from "./capacity";
import { gpuTaintOnlyForGpuWorkloads, ollamaGpuPlacement } from "./gpu";
import { imagesPinned } from "./images";
import { memoryLimitRequestRatio, memoryLimitsAndRequests, memoryWithinRoleBounds } from "./memory";
import { neo4jHeapFixedSize, neo4jMemoryFitsLimit } from "./neo4j";

export const PACK_NAME = "mcp-superserver";

export const policies: Policies = [
  memoryLimitsAndRequests,
  memoryWithinRoleBounds,
  memoryLimitRequestRatio,
  neo4jMemoryFitsLimit,
  neo4jHeapFixedSize,
  ollamaGpuPlacement,
  gpuTaintOnlyForGpuWorkloads,
  nodePoolCapacity,
  memoryAlertThresholds,
  imagesPinned,
  hubHighAvailability,
  backupBucketProtection,
  internetFacingServiceSecured,
  namespaceDefaultDeny,
  noContainerKeepsAllCapabilities,
];
