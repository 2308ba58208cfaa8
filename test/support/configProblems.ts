import { ConfigError } from "../../components/config/errors";
import { parseStackConfig } from "../../components/config/parse";

/** The messages a raw config is refused with on `today`; empty when it is accepted. */
export function configProblems(raw: Record<string, unknown>, today?: Date): string[] {
  try {
    parseStackConfig(raw, today);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
