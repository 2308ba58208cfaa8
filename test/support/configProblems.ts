import { ConfigError } from "../../components/config/errors";
import { parseStackConfig } from "../../components/config/parse";

/** The messages a raw config is refused with; empty when it is accepted. */
export function configProblems(raw: Record<string, unknown>): string[] {
  try {
    parseStackConfig(raw);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
