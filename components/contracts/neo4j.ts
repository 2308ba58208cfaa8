/**
 * Facts about the Neo4j server the config rules and the policy pack both rely on.
 */

/** Memory Neo4j needs outside heap and page cache (JVM metaspace, threads, native buffers). */
export const NEO4J_MIN_HEADROOM_BYTES = 1024 ** 3;
