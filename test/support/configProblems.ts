import { ConfigError } from "../../components/config/errors";
import { parseCheckedConfig } from "../../components/checks/config";

/** The messages a raw config is refused with on `today`, as the program loads it; empty when it is accepted. */
export function configProblems(raw: Record<string, unknown>, today?: Date): string[] {
  try {
    parseCheckedConfig(raw, today);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
