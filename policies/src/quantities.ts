/**
 * Memory values as resources carry them: Kubernetes quantities ("512Mi", or a number of bytes),
 * Docker MiB, and Neo4j settings ("4g", binary suffixes k/m/g). All become exact bytes through
 * the same parser the stack config uses.
 */
import { formatBytes, formatWholeMiB, parseBytes } from "../../components/config/quantity";

export { formatBytes, formatWholeMiB };

/** A Kubernetes quantity (string or number) in bytes, or undefined when absent or unreadable. */
export function quantityBytes(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const parsed = parseBytes(value.trim());
  return parsed.ok ? parsed.value : undefined;
}

/** A count such as `nvidia.com/gpu: 1` (number or numeric string). */
export function quantityCount(value: unknown): number {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? n : 0;
}

/** Neo4j memory settings: a number of bytes or k/m/g (binary, either case). */
export function neo4jBytes(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)([kKmMgGtT]?)$/.exec(value.trim());
  if (!match) return undefined;
  return match[2] ? quantityBytes(`${match[1]}${match[2].toUpperCase()}i`) : Number(match[1]);
}
