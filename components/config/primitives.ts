/**
 * Building blocks of the stack config schema: quantities, durations, image references, cron
 * schedules and secrets. Each refinement's message completes a sentence that starts with the
 * offending value (see errors.ts), e.g. `"512MB" is not a quantity; use forms like 512Mi or 1Gi`.
 */
import { CronExpressionParser } from "cron-parser";
import { z } from "zod";
import { parseBytes, parseMillicores, type QuantityResult } from "./quantity";

/**
 * A quantity is written as a string ("512Mi") or, the way `pulumi config set --path` stores a
 * bare number, as a number: `cpu: 2` is 2 CPUs, `memory: 536870912` is that many bytes. A number
 * is read as the same text a Kubernetes quantity would be ("2", "1.5", "1e+21").
 */
function quantity(parse: (text: string) => QuantityResult, description: string, example: string) {
  return z
    .union([z.string(), z.number()], { error: `is neither a quantity nor a number; use forms like ${example}` })
    .describe(description)
    .transform((given, ctx) => {
      const text = typeof given === "number" ? String(given) : given;
      const result = parse(text);
      if (!result.ok) {
        ctx.addIssue({ code: "custom", message: result.reason });
        return z.NEVER;
      }
      if (result.value <= 0) {
        ctx.addIssue({ code: "custom", message: "must be greater than zero" });
        return z.NEVER;
      }
      return result.value;
    });
}

/** Memory or storage ("512Mi", "8Gi"), parsed to bytes. */
export const bytes = (description: string) => quantity(parseBytes, description, "512Mi or 1Gi");

/** CPU ("500m", "1", "1.5"), parsed to millicores. */
export const millicores = (description: string) => quantity(parseMillicores, description, "500m or 2");

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const DURATION_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/** A single-unit duration ("30s", "5m", "4h", "15d") that nginx, Prometheus and Alertmanager all accept. */
export const duration = (description: string) =>
  z
    .string()
    .describe(description)
    .refine((text) => DURATION.test(text) && Number(DURATION.exec(text)![1]) > 0, {
      message: "is not a duration; use a positive whole number with one unit: ms, s, m, h or d (e.g. 30s, 5m)",
    });

/** Seconds in a duration string already validated by `duration`. */
export function durationSeconds(text: string): number {
  const match = DURATION.exec(text);
  if (!match) throw new Error(`"${text}" is not a duration`);
  return Number(match[1]) * DURATION_SECONDS[match[2]];
}

const IMAGE = /^(?<repo>[a-z0-9]+(?:[._\-/:][a-z0-9]+)*?)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/;

/** A container image pinned to a version tag or a digest; `latest` and bare names are refused. */
export const image = (description: string, example: string) =>
  z
    .string()
    .describe(description)
    .superRefine((ref, ctx) => {
      const match = IMAGE.exec(ref);
      if (!match) {
        ctx.addIssue({ code: "custom", message: `is not an image reference; use repository:tag, e.g. ${example}` });
      } else if (!match.groups!.tag && !match.groups!.digest) {
        ctx.addIssue({ code: "custom", message: `has no tag; pin a version, e.g. ${example}` });
      } else if (match.groups!.tag === "latest" && !match.groups!.digest) {
        ctx.addIssue({ code: "custom", message: `uses the moving tag "latest"; pin a version, e.g. ${example}` });
      }
    });

/** A standard five-field cron expression (minute hour day-of-month month day-of-week). */
export const cron = (description: string) =>
  z
    .string()
    .describe(description)
    .superRefine((expr, ctx) => {
      const fields = expr.trim().split(/\s+/);
      if (fields.length !== 5) {
        ctx.addIssue({
          code: "custom",
          message: `has ${fields.length} fields; use a 5-field cron expression (minute hour day-of-month month day-of-week), e.g. "0 2 * * *"`,
        });
        return;
      }
      try {
        CronExpressionParser.parse(expr);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: `is not a valid cron expression (${(error as Error).message})` });
      }
    });

/**
 * A value that must stay secret: printing it, logging it or serialising it to JSON shows
 * `[secret]`. Only the Pulumi layer calls `reveal()`, and wraps the result in `pulumi.secret`.
 */
export class SecretValue {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return "[secret]";
  }
  toJSON(): string {
    return "[secret]";
  }
}

/**
 * A secret URL whose TCP port is known without revealing the URL: the port is not secret, it
 * goes into the NetworkPolicy that lets the caller reach it.
 */
export class SecretUrl extends SecretValue {
  readonly port: number;
  constructor(value: string) {
    super(value);
    const url = new URL(value);
    this.port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  }
}

const parsesAsHttpUrl = (text: string) => {
  if (!/^https?:\/\/[^\s/]+/.test(text)) return false;
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
};

/**
 * The schemas built by secretUrl and secretText: whatever key holds one is a secret key (never
 * echoed, refused in plain text; secretPaths.ts finds them). A zod method returns a copy, so the
 * mark is set on the finished schema, and `.optional()` or `.default()` around it keep it inside.
 */
const SECRET_SCHEMAS = new WeakSet<object>();

export function isSecretSchema(schema: object): boolean {
  return SECRET_SCHEMAS.has(schema);
}

function markSecret<T extends z.ZodType>(schema: T): T {
  SECRET_SCHEMAS.add(schema);
  return schema;
}

/** An http(s) URL that is secret (webhook URLs carry tokens). */
export const secretUrl = (description: string) =>
  markSecret(
    z
      .string()
      .describe(`${description} Secret: set it with \`pulumi config set --secret --path\`.`)
      .refine(parsesAsHttpUrl, { message: "is not an http(s) URL" })
      .transform((text) => new SecretUrl(text)),
  );

/** Secret text (a kubeconfig, a token): never printed, passed on only as a Pulumi secret. */
export const secretText = (description: string) =>
  markSecret(
    z
      .string()
      .min(1)
      .describe(`${description} Secret: set it with \`pulumi config set --secret --path\`.`)
      .transform((text) => new SecretValue(text)),
  );

export const port = (description: string, fallback: number) =>
  z.number().int().min(1).max(65535).describe(description).default(fallback);

export const percent = (description: string, fallback: number) =>
  z.number().gt(0).lt(100).describe(description).default(fallback);
