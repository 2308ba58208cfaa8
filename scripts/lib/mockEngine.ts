/**
 * Runs the program under Pulumi's mock engine (no CLI, no cloud) and records what it declares:
 * every resource's type, name, parent and the inputs the program sent. Used by `npm run synth`
 * and by the tests. Each run sets fresh mocks, so runs can follow each other in one process.
 */
import { createHash, randomBytes } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { runInPulumiStack } from "@pulumi/pulumi/runtime/stack";

export const PROJECT = "mcp-superserver";

/** The marker Pulumi wraps secret values in on the wire. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface RecordedResource {
  type: string;
  name: string;
  parent?: string;
  custom: boolean;
  provider?: string;
  /** Inputs as sent; secret values still wrapped in Pulumi's secret marker. */
  inputs: Record<string, unknown>;
  /** The id and outputs the mock answered with: what a stack policy sees as the resource's state. */
  id: string;
  outputs: Record<string, unknown>;
  /** Resource options the engine would act on. */
  options: { retainOnDelete: boolean; dependsOn: string[]; customTimeouts?: pulumi.CustomTimeouts; protect?: boolean; ignoreChanges?: string[] };
}

export interface MockRun {
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
  /** Plain text of every secret the mocks generated (random passwords), to scan for leaks. */
  generatedSecrets: string[];
}

export interface MockRunOptions {
  stack: string;
  /** Full keys (`mcp-superserver:hub`) to string values, objects JSON-encoded, as Pulumi holds them. */
  config?: Record<string, string>;
  secretKeys?: string[];
  /** Declares the resources; its return value becomes the stack outputs. */
  program: () => Promise<Record<string, unknown> | void> | Record<string, unknown> | void;
}

export function isSecretMarker(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** Strips secret markers, keeping the values (for assertions in tests). */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecretMarker(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/** Every occurrence of a known secret in a string, masked. */
function maskKnown(text: string, known: string[]): string {
  return known.reduce((t, secret) => t.split(secret).join("[secret]"), text);
}

/**
 * Replaces every secret value with "[secret]" (for anything written to disk or printed). The
 * engine marks a whole list or map secret when one element is: inside those, each string is
 * kept with the known secrets (generated passwords, secret config values) masked in it, so a
 * reviewer still sees every env name and every value that is not secret.
 */
export function redactSecrets(value: unknown, known: string[] = [], insideSecret = false): unknown {
  if (isSecretMarker(value)) {
    const inner = value.value;
    return inner && typeof inner === "object" && known.length ? redactSecrets(inner, known, true) : "[secret]";
  }
  if (typeof value === "string") return insideSecret ? maskKnown(value, known) : value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, known, insideSecret));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v, known, insideSecret)]));
  }
  return value;
}

/** The string leaves of secret config values: what a synth must never show. */
export function secretConfigValues(config: Record<string, string>, secretKeys: string[]): string[] {
  const leaves = (v: unknown): string[] =>
    typeof v === "string" ? [v] : Array.isArray(v) ? v.flatMap(leaves) : v && typeof v === "object" ? Object.values(v).flatMap(leaves) : [];
  return secretKeys.flatMap((key) => {
    const raw = config[key];
    if (raw === undefined) return [];
    try {
      return leaves(JSON.parse(raw));
    } catch {
      return [raw];
    }
  });
}

/** The account, region and cluster the mocks pretend to be in (documentation values, not real ones). */
export const MOCK_ACCOUNT = "123456789012";
export const MOCK_REGION = "us-east-1";
const MOCK_ISSUER = `oidc.eks.${MOCK_REGION}.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`;

/** Data sources the program calls, answered like AWS would for an ordinary account. */
function callResult(token: string): Record<string, unknown> {
  switch (token) {
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return {
        id: MOCK_REGION,
        names: ["a", "b", "c", "d"].map((z) => `${MOCK_REGION}${z}`),
        zoneIds: [1, 2, 4, 6].map((n) => `use1-az${n}`),
        state: "available",
      };
    case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
      return { id: MOCK_ACCOUNT, userName: "AWS", password: "synth-ecr-token", authorizationToken: "", proxyEndpoint: "", expiresAt: "" };
    case "aws:index/getRegion:getRegion":
      return { id: MOCK_REGION, name: MOCK_REGION, region: MOCK_REGION, endpoint: `ec2.${MOCK_REGION}.amazonaws.com` };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: MOCK_ACCOUNT, arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/synth`, userId: "AIDAEXAMPLE", id: MOCK_ACCOUNT };
    default:
      return {};
  }
}

/** What a provider would compute for the few outputs the program reads back. */
function computedState(type: string, name: string, inputs: Record<string, unknown>, generated: string[]) {
  switch (type) {
    case "random:index/randomPassword:RandomPassword": {
      const result = randomBytes(24).toString("base64url").slice(0, Number(inputs.length ?? 32));
      generated.push(result);
      return { result };
    }
    case "docker:index/remoteImage:RemoteImage":
      return { imageId: `sha256:${randomBytes(32).toString("hex")}`, repoDigest: `${inputs.name}@sha256:0` };
    case "aws:eks/cluster:Cluster":
      return {
        name: inputs.name ?? name,
        arn: `arn:aws:eks:${MOCK_REGION}:${MOCK_ACCOUNT}:cluster/${inputs.name ?? name}`,
        endpoint: `https://EXAMPLED539D4633E53DE1B71EXAMPLE.gr7.${MOCK_REGION}.eks.amazonaws.com`,
        certificateAuthority: { data: Buffer.from("-----BEGIN CERTIFICATE-----\nsynth\n-----END CERTIFICATE-----\n").toString("base64") },
        identities: [{ oidcs: [{ issuer: `https://${MOCK_ISSUER}` }] }],
      };
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
      return { arn: `arn:aws:iam::${MOCK_ACCOUNT}:oidc-provider/${String(inputs.url).replace(/^https:\/\//, "")}` };
    case "aws:iam/policy:Policy":
      return { name: inputs.name ?? name, arn: `arn:aws:iam::${MOCK_ACCOUNT}:policy/${inputs.name ?? name}` };
    case "aws:iam/role:Role":
      return { name: inputs.name ?? name, arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${inputs.name ?? name}` };
    case "docker-build:index:Image":
      // A content digest: the same inputs give the same digest, as a reproducible build would.
      return { digest: `sha256:${createHash("sha256").update(JSON.stringify(inputs)).digest("hex")}` };
    case "aws:ecr/repository:Repository":
      return { registryId: MOCK_ACCOUNT, repositoryUrl: `${MOCK_ACCOUNT}.dkr.ecr.${MOCK_REGION}.amazonaws.com/${inputs.name ?? name}` };
    case "aws:s3/bucket:Bucket":
      return { bucket: inputs.bucket ?? name, arn: `arn:aws:s3:::${inputs.bucket ?? name}` };
    case "aws:kms/key:Key": {
      // KMS names a key by a UUID it chooses; derived from the name, so a synth is reproducible.
      const h = createHash("sha256").update(name).digest("hex");
      const keyId = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
      return { keyId, arn: `arn:aws:kms:${MOCK_REGION}:${MOCK_ACCOUNT}:key/${keyId}` };
    }
    default:
      return {};
  }
}

export async function runUnderMocks(opts: MockRunOptions): Promise<MockRun> {
  const resources: RecordedResource[] = [];
  const parents = new Map<string, string>();
  const options = new Map<string, RecordedResource["options"]>();
  const generatedSecrets: string[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const id = `${args.name}-id`;
        const state = { ...args.inputs, ...computedState(args.type, args.name, args.inputs, generatedSecrets) };
        resources.push({
          type: args.type,
          name: args.name,
          custom: args.custom ?? true,
          provider: args.provider,
          inputs: args.inputs,
          id,
          outputs: state,
          options: { retainOnDelete: false, dependsOn: [] },
        });
        return { id, state };
      },
      call(args) {
        const result = callResult(args.token);
        // A credential an invoke hands out is a secret too: the synth masks it wherever it goes.
        if (typeof result.password === "string") generatedSecrets.push(result.password);
        return result;
      },
    },
    PROJECT,
    opts.stack,
    false,
  );
  pulumi.runtime.setAllConfig(opts.config ?? {}, opts.secretKeys ?? []);
  const outputs = (await runInPulumiStack(async () => {
    // Mock requests carry neither the parent nor the options; a stack transformation sees both.
    pulumi.runtime.registerStackTransformation((t) => {
      const key = `${t.type}::${t.name}`;
      const parent = (t.opts.parent as { __name?: string } | undefined)?.__name;
      if (parent) parents.set(key, parent);
      const dependsOn = Array.isArray(t.opts.dependsOn) ? (t.opts.dependsOn as { __name?: string }[]) : [];
      options.set(key, {
        retainOnDelete: t.opts.retainOnDelete ?? false,
        dependsOn: dependsOn.map((d) => d.__name ?? "?"),
        ...(t.opts.customTimeouts ? { customTimeouts: t.opts.customTimeouts } : {}),
        ...(t.opts.protect ? { protect: true } : {}),
        ...(t.opts.ignoreChanges?.length ? { ignoreChanges: t.opts.ignoreChanges } : {}),
      });
      return undefined;
    });
    return (await opts.program()) ?? {};
  })) as Record<string, unknown>;
  await pulumi.runtime.disconnect();
  for (const r of resources) {
    r.parent = parents.get(`${r.type}::${r.name}`);
    r.options = options.get(`${r.type}::${r.name}`) ?? r.options;
  }
  return { resources, outputs, generatedSecrets };
}
