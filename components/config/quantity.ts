/**
 * Kubernetes-style resource quantities ("512Mi", "1Gi", "500m", "1.5", "2e3"), parsed exactly.
 *
 * Quantities are written the Kubernetes way everywhere in the stack config and parsed once into
 * exact integers: memory and storage into bytes, CPU into millicores. Nothing is rounded: a value
 * that is not a whole number of bytes (or millicores) is rejected, so Docker and Kubernetes
 * always receive exactly what the config says.
 */

const BINARY_SUFFIXES: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};

/** Decimal suffixes as powers of ten; "m" is milli (10^-3). */
const DECIMAL_EXPONENTS: Record<string, number> = {
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const QUANTITY = /^(\+?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** An exact rational value: numerator / denominator, denominator > 0. */
interface Rational {
  num: bigint;
  den: bigint;
}

function parseRational(text: string): Rational | undefined {
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const [, , mantissa, suffix, exponent] = match;
  const [whole, fraction = ""] = mantissa.split(".");
  let num = BigInt((whole || "0") + fraction);
  let den = 10n ** BigInt(fraction.length);
  if (suffix && suffix in BINARY_SUFFIXES) {
    num *= BINARY_SUFFIXES[suffix];
  } else {
    const power = exponent !== undefined ? Number(exponent) : DECIMAL_EXPONENTS[suffix ?? ""];
    if (Math.abs(power) > 30) return undefined;
    if (power >= 0) num *= 10n ** BigInt(power);
    else den *= 10n ** BigInt(-power);
  }
  return { num, den };
}

export type QuantityResult = { ok: true; value: number } | { ok: false; reason: string };

function toSafeInteger(value: bigint, unit: string): QuantityResult {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    return { ok: false, reason: `is too large (more than ${Number.MAX_SAFE_INTEGER} ${unit})` };
  }
  return { ok: true, value: Number(value) };
}

/** Parses a memory/storage quantity into a whole number of bytes. */
export function parseBytes(text: string): QuantityResult {
  const r = parseRational(text);
  if (!r) return { ok: false, reason: "is not a quantity; use forms like 512Mi or 1Gi" };
  if (r.num % r.den !== 0n) return { ok: false, reason: "is not a whole number of bytes; use forms like 512Mi or 1Gi" };
  return toSafeInteger(r.num / r.den, "bytes");
}

/** Parses a CPU quantity into whole millicores ("500m" → 500, "1.5" → 1500). */
export function parseMillicores(text: string): QuantityResult {
  // Binary suffixes are for bytes; "1Gi" CPUs is a typo, not a CPU count.
  const r = /[KMGTPE]i$/.test(text) ? undefined : parseRational(text);
  if (!r) return { ok: false, reason: "is not a CPU quantity; use forms like 500m, 1 or 1.5" };
  const milli = r.num * 1000n;
  if (milli % r.den !== 0n) return { ok: false, reason: "is finer than 1m; CPU is counted in whole millicores (e.g. 250m)" };
  return toSafeInteger(milli / r.den, "millicores");
}

const MIB = 1024 * 1024;

/** Bytes → whole MiB, the unit the Docker provider takes for memory (it multiplies by 2^20). */
export function bytesToDockerMiB(bytes: number): number {
  if (bytes % MIB !== 0) {
    throw new Error(`${bytes} bytes is not a whole number of MiB; Docker memory settings are set in MiB`);
  }
  return bytes / MIB;
}

/** Millicores → the decimal CPU string Docker takes ("1500" → "1.5"); Docker turns it into nano-CPUs. */
export function millicoresToDockerCpus(millicores: number): string {
  const whole = Math.floor(millicores / 1000);
  const fraction = String(millicores % 1000).padStart(3, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/** Millicores → nano-CPUs, the unit of Docker's NanoCpus (1 CPU = 10^9). */
export function millicoresToNanoCpus(millicores: number): number {
  return millicores * 1_000_000;
}

/**
 * Millicores → Docker CPU shares, with the formula the kubelet uses for cgroup cpu.shares
 * (milli × 1024 / 1000, at least 2), so a CPU request means the same on both targets.
 */
export function millicoresToCpuShares(millicores: number): number {
  return Math.max(2, Math.floor((millicores * 1024) / 1000));
}

/** Bytes → the shortest exact Kubernetes quantity ("536870912" → "512Mi"). */
export function formatBytes(bytes: number): string {
  for (const suffix of ["Ei", "Pi", "Ti", "Gi", "Mi", "Ki"]) {
    const unit = Number(BINARY_SUFFIXES[suffix]);
    if (bytes >= unit && bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return String(bytes);
}

/** Bytes rounded down to whole MiB, as a quantity ("13547Mi"): what a node leaves for pods is no round number of bytes. */
export function formatWholeMiB(bytes: number): string {
  return formatBytes(Math.floor(bytes / 1024 ** 2) * 1024 ** 2);
}

/** Millicores → Kubernetes CPU quantity ("1000" → "1", "500" → "500m"). */
export function formatMillicores(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}
