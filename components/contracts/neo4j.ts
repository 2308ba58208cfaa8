/**
 * Facts about the Neo4j server the config rules and the policy pack both rely on.
 */

/** Memory Neo4j needs outside heap and page cache (JVM metaspace, threads, native buffers). */
export const NEO4J_MIN_HEADROOM_BYTES = 1024 ** 3;

/**
 * Neo4j 5 settings as environment variables: `server.memory.heap.max_size` becomes
 * `NEO4J_server_memory_heap_max__size` (dots to `_`, underscores doubled). The 4.x names
 * (`dbms.memory.*`) that the runbook shows are rejected by Neo4j 5 and are not used.
 */
export function neo4jSettingEnv(setting: string): string {
  return `NEO4J_${setting.replace(/_/g, "__").replace(/\./g, "_")}`;
}
