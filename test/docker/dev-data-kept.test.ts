/**
 * Data survives `npm run down` + `npm run up`. Each run below starts from empty state under the
 * mock engine, as `up` after `down` does: what must match is what the kept volumes hold.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { MockRun } from "../../scripts/lib/mockEngine";
import { container, declareStack, envOf, named, ofType, uploadOf } from "../support/mockStack";

const DEV = { target: "docker", ollama: { gpu: { enabled: false } } };

/** One `up` from empty state: a fresh mock engine, the stack's passphrase as the wrapper passes it. */
const upFromEmptyState = (passphrase: string | undefined): Promise<MockRun> => declareStack(DEV, "dev", passphrase);

const RANDOM = "random:index/randomPassword:RandomPassword";
const neo4jAuth = (run: MockRun) => uploadOf(container(run, "mcp-neo4j"), "/run/secrets/neo4j-auth");
const hubPasswords = (run: MockRun) => ["mcp-hub-1", "mcp-hub-2", "mcp-hub-3"].map((h) => envOf(container(run, h)).NEO4J_PASSWORD);

let first: MockRun;
let second: MockRun;
let purged: MockRun;
let unwrapped: MockRun;
beforeAll(async () => {
  first = await upFromEmptyState("the-stack-passphrase");
  second = await upFromEmptyState("the-stack-passphrase");
  purged = await upFromEmptyState("a-new-passphrase");
  unwrapped = await upFromEmptyState(undefined);
});

describe("the Neo4j password across down + up", () => {
  it("is the same after down + up with the same passphrase, for Neo4j and every hub", () => {
    expect(neo4jAuth(first)).toMatch(/^neo4j\/[0-9a-f]{32}$/);
    expect(neo4jAuth(second)).toBe(neo4jAuth(first));
    expect(hubPasswords(second)).toEqual(Array(3).fill(neo4jAuth(first).slice("neo4j/".length)));
    // Derived, not generated: no RandomPassword is left to be destroyed with the state.
    expect(ofType(first, RANDOM).map((r) => r.name)).not.toContain("mcp-neo4j-password");
  });

  it("is a new one after a purge, which deletes the passphrase with the volume", () => {
    expect(neo4jAuth(purged)).not.toBe(neo4jAuth(first));
  });

  it("is a RandomPassword when no passphrase reaches the program (a synth)", () => {
    expect(ofType(unwrapped, RANDOM).map((r) => r.name)).toContain("mcp-neo4j-password");
    expect(neo4jAuth(unwrapped)).toBe(`neo4j/${unwrapped.generatedSecrets[0]}`);
  });

  it("keeps the Neo4j volume on destroy", () => {
    expect(named(first, "docker:index/volume:Volume", "mcp-neo4j-data").options.retainOnDelete).toBe(true);
  });
});

describe("the backups across down + up", () => {
  it("keeps the bucket, its versioning and lifecycle out of `down` (protected) and never force-deletes it", () => {
    const bucket = named(first, "aws:s3/bucket:Bucket", "mcp-backup-bucket");
    expect(bucket.inputs.forceDestroy).toBe(false);
    expect(
      ofType(first, "aws:s3/bucket:Bucket")
        .concat(ofType(first, "aws:s3/bucketVersioning:BucketVersioning"), ofType(first, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"))
        .map((r) => [r.name, r.options.protect]),
    ).toEqual([
      ["mcp-backup-bucket", true],
      ["mcp-backup-versioning", true],
      ["mcp-backup-lifecycle", true],
    ]);
    expect(named(first, "docker:index/volume:Volume", "mcp-backup-objects").options.retainOnDelete).toBe(true);
  });
});
