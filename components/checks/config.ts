/**
 * The stack config as the program takes it: parsed, checked by every rule of components/config/,
 * and checked against the Kubernetes stack it renders (the system pool's capacity). That last
 * check renders the stack, which reads the config, so config/ cannot import it: it is handed in
 * here, above both. Every entry point that runs the program loads its config through this file.
 */
import { systemPoolCapacity } from "../cluster/capacity";
import { loadStackConfig } from "../config/load";
import { parseStackConfig } from "../config/parse";
import type { StackCheck } from "../config/rules";
import type { StackConfig } from "../config/schema";
import type { ConfigSecrecy } from "../config/secretConfig";

const STACK_CHECKS: readonly StackCheck[] = [systemPoolCapacity];

export function parseCheckedConfig(raw: Record<string, unknown>, today: Date = new Date(), secrecy?: ConfigSecrecy): StackConfig {
  return parseStackConfig(raw, today, secrecy, STACK_CHECKS);
}

export function loadCheckedConfig(today: Date = new Date()): StackConfig {
  return loadStackConfig(today, STACK_CHECKS);
}
