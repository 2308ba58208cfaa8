/**
 * The EC2 catalog against its sources, row by row. The figures below are typed from the sources
 * named in components/catalog/instanceTypes.ts, in their own units: vCPUs, memory in MiB and GPU
 * count as the EC2 API gives them (the cluster autoscaler's static list, `VCPU`, `MemoryMb`,
 * `GPU`); GPU memory in MiB for all GPUs of a node (AWS Batch "Run GPU jobs"; g6e: L40S 48 GB);
 * ENIs and IPv4 addresses per ENI from the EKS AMI's nodeadm instance-info.jsonl, and max pods
 * from the AMI's last eni-max-pods.txt. Then what a node leaves for pods, computed by hand.
 */
import { describe, expect, it } from "vitest";
import {
  DEFAULT_GPU_INSTANCE_TYPE,
  EKS_DEFAULT_INSTANCE_TYPE,
  GPU_INSTANCE_TYPES,
  GPU_INSTANCES,
  INSTANCE_TYPES,
  SYSTEM_INSTANCES,
} from "../../components/catalog/instanceTypes";
import { allocatableMemoryBytes, roomForOnePod } from "../../components/catalog/nodeCapacity";
import { formatWholeMiB } from "../../components/config/quantity";

const MiB = 1024 ** 2;

// type, vCPUs, memory MiB, GPUs, GPU memory MiB, ENIs, IPv4 per ENI, eni-max-pods.txt
const SOURCES: [string, number, number, number, number, number, number, number][] = [
  ["t3.medium", 2, 4096, 0, 0, 3, 6, 17],
  ["t3.large", 2, 8192, 0, 0, 3, 12, 35],
  ["t3.xlarge", 4, 16384, 0, 0, 4, 15, 58],
  ["t3.2xlarge", 8, 32768, 0, 0, 4, 15, 58],
  ["m5.large", 2, 8192, 0, 0, 3, 10, 29],
  ["m5.xlarge", 4, 16384, 0, 0, 4, 15, 58],
  ["m5.2xlarge", 8, 32768, 0, 0, 4, 15, 58],
  ["m5.4xlarge", 16, 65536, 0, 0, 8, 30, 234],
  ["m6i.large", 2, 8192, 0, 0, 3, 10, 29],
  ["m6i.xlarge", 4, 16384, 0, 0, 4, 15, 58],
  ["m6i.2xlarge", 8, 32768, 0, 0, 4, 15, 58],
  ["m6i.4xlarge", 16, 65536, 0, 0, 8, 30, 234],
  ["m7i.large", 2, 8192, 0, 0, 3, 10, 29],
  ["m7i.xlarge", 4, 16384, 0, 0, 4, 15, 58],
  ["m7i.2xlarge", 8, 32768, 0, 0, 4, 15, 58],
  ["m7i.4xlarge", 16, 65536, 0, 0, 8, 30, 234],
  ["r5.large", 2, 16384, 0, 0, 3, 10, 29],
  ["r5.xlarge", 4, 32768, 0, 0, 4, 15, 58],
  ["r5.2xlarge", 8, 65536, 0, 0, 4, 15, 58],
  ["r6i.xlarge", 4, 32768, 0, 0, 4, 15, 58],
  ["r6i.2xlarge", 8, 65536, 0, 0, 4, 15, 58],
  ["c5.xlarge", 4, 8192, 0, 0, 4, 15, 58],
  ["c5.2xlarge", 8, 16384, 0, 0, 4, 15, 58],
  ["g4dn.xlarge", 4, 16384, 1, 16384, 3, 10, 29],
  ["g4dn.2xlarge", 8, 32768, 1, 16384, 3, 10, 29],
  ["g4dn.4xlarge", 16, 65536, 1, 16384, 3, 10, 29],
  ["g4dn.8xlarge", 32, 131072, 1, 16384, 4, 15, 58],
  ["g4dn.12xlarge", 48, 196608, 4, 65536, 8, 30, 234],
  ["g5.xlarge", 4, 16384, 1, 24576, 4, 15, 58],
  ["g5.2xlarge", 8, 32768, 1, 24576, 4, 15, 58],
  ["g5.4xlarge", 16, 65536, 1, 24576, 8, 30, 234],
  ["g5.8xlarge", 32, 131072, 1, 24576, 8, 30, 234],
  ["g5.12xlarge", 48, 196608, 4, 98304, 15, 50, 737],
  ["g6.xlarge", 4, 16384, 1, 24576, 4, 15, 58],
  ["g6.2xlarge", 8, 32768, 1, 24576, 4, 15, 58],
  ["g6.4xlarge", 16, 65536, 1, 24576, 8, 30, 234],
  ["g6.8xlarge", 32, 131072, 1, 24576, 8, 30, 234],
  ["g6e.xlarge", 4, 32768, 1, 49152, 4, 15, 58],
  ["g6e.2xlarge", 8, 65536, 1, 49152, 4, 15, 58],
  ["g6e.4xlarge", 16, 131072, 1, 49152, 8, 30, 234],
];

describe("the EC2 instance catalog", () => {
  it("has one row per type, each with the figures of its sources", () => {
    const expected = Object.fromEntries(
      SOURCES.map(([type, vcpus, memoryMiB, gpus, gpuMemoryMiB, , , maxPods]) => [
        type,
        { vcpus, memoryGiB: memoryMiB / 1024, gpus, gpuMemoryGiB: gpuMemoryMiB / 1024, maxPods },
      ]),
    );
    expect(INSTANCE_TYPES).toEqual(expected);
  });

  it("gives max pods by the AMI's formula, ENIs x (IPv4 per ENI - 1) + 2, which eni-max-pods.txt also lists", () => {
    for (const [type, , , , , enis, ips, listed] of SOURCES) expect(enis * (ips - 1) + 2, type).toBe(listed);
  });

  it("offers the system pool the general-purpose types and the GPU pool the GPU types, in this order", () => {
    expect(Object.keys(SYSTEM_INSTANCES)).toEqual([
      "t3.large", "t3.xlarge", "t3.2xlarge", "m5.large", "m5.xlarge", "m5.2xlarge", "m5.4xlarge",
      "m6i.large", "m6i.xlarge", "m6i.2xlarge", "m6i.4xlarge", "m7i.large", "m7i.xlarge", "m7i.2xlarge", "m7i.4xlarge",
      "r5.large", "r5.xlarge", "r5.2xlarge", "r6i.xlarge", "r6i.2xlarge", "c5.xlarge", "c5.2xlarge",
    ]);
    expect(GPU_INSTANCE_TYPES).toEqual([
      "g4dn.xlarge", "g4dn.2xlarge", "g4dn.4xlarge", "g4dn.8xlarge", "g5.xlarge", "g5.2xlarge", "g5.4xlarge", "g5.8xlarge", "g5.12xlarge",
      "g6.xlarge", "g6.2xlarge", "g6.4xlarge", "g6.8xlarge", "g6e.xlarge", "g6e.2xlarge", "g6e.4xlarge",
    ]);
    expect(Object.keys(GPU_INSTANCES)).toEqual(GPU_INSTANCE_TYPES);
    expect(GPU_INSTANCES["g6e.2xlarge"]).toEqual({ vcpus: 8, memoryGiB: 64, gpus: 1, gpuMemoryGiB: 48, maxPods: 58 });
    expect(SYSTEM_INSTANCES["m6i.xlarge"]).toEqual({ vcpus: 4, memoryGiB: 16, gpus: 0, gpuMemoryGiB: 0, maxPods: 58 });
    expect(DEFAULT_GPU_INSTANCE_TYPE).toBe("g5.4xlarge");
    expect(EKS_DEFAULT_INSTANCE_TYPE).toBe("t3.medium");
  });
});

describe("what a node leaves for pods (one formula for the config rules and the policy pack)", () => {
  it("is nominal memory less the kernel's 5 %, kube-reserved (255Mi + 11Mi per pod) and the eviction threshold", () => {
    // m6i.xlarge: 16384Mi - 819.2Mi - (255 + 11 x 58)Mi - 100Mi = 14571.8Mi.
    expect(allocatableMemoryBytes(INSTANCE_TYPES["m6i.xlarge"]) / MiB).toBeCloseTo(14571.8, 5);
    expect(formatWholeMiB(allocatableMemoryBytes(INSTANCE_TYPES["m6i.xlarge"]))).toBe("14571Mi");
    // With a 500Mi eviction threshold instead: 400Mi less.
    expect(allocatableMemoryBytes(INSTANCE_TYPES["m6i.xlarge"], 500 * MiB) / MiB).toBeCloseTo(14171.8, 5);
    // g5.4xlarge: 65536Mi - 3276.8Mi - (255 + 11 x 234)Mi - 100Mi = 59330.2Mi.
    expect(allocatableMemoryBytes(INSTANCE_TYPES["g5.4xlarge"]) / MiB).toBeCloseTo(59330.2, 5);
  });

  it("leaves one pod that less the DaemonSets' 1Gi and 500m, and the kubelet's CPU reservation", () => {
    // g5.4xlarge: 59330.2Mi - 1024Mi; 16000m - 110m (60 + 10 + 2 x 5 + 12 x 2.5) - 500m.
    const room = roomForOnePod(INSTANCE_TYPES["g5.4xlarge"]);
    expect(room.memoryBytes / MiB).toBeCloseTo(58306.2, 5);
    expect(room.millicores).toBe(15390);
  });
});
