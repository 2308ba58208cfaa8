/**
 * Metric names of exporters we did not write, as the alert rules and the dashboard read them,
 * each with where the exporter defines it. test/support/metricCatalog.ts lists the same names
 * from those sources independently, and the rule tests check every name a rule reads is in it.
 * nginx-prometheus-exporter's and the Pushgateway's own metrics are scraped but no rule reads
 * them (their `up` is Prometheus' own series).
 */

/** node_exporter, filesystem collector (prometheus/node_exporter collector/filesystem_common.go). */
export const NODE_EXPORTER = {
  filesystemAvailBytes: "node_filesystem_avail_bytes",
  filesystemSizeBytes: "node_filesystem_size_bytes",
} as const;

/**
 * cAdvisor, on Docker and as the kubelet's /metrics/cadvisor (google/cadvisor
 * docs/storage/prometheus.md; `container_oom_events_total` is its `oom_event` metric set).
 */
export const CADVISOR = {
  memoryWorkingSetBytes: "container_memory_working_set_bytes",
  specMemoryLimitBytes: "container_spec_memory_limit_bytes",
  cpuUsageSecondsTotal: "container_cpu_usage_seconds_total",
  specCpuQuota: "container_spec_cpu_quota",
  specCpuPeriod: "container_spec_cpu_period",
  oomEventsTotal: "container_oom_events_total",
  startTimeSeconds: "container_start_time_seconds",
} as const;

/** kube-state-metrics (kubernetes/kube-state-metrics docs/metrics/workload/pod-metrics.md). */
export const KUBE_STATE_METRICS = {
  containerWaitingReason: "kube_pod_container_status_waiting_reason",
  containerRestartsTotal: "kube_pod_container_status_restarts_total",
  containerLastTerminatedReason: "kube_pod_container_status_last_terminated_reason",
} as const;

/** The kubelet's volume stats (kubernetes/kubernetes pkg/kubelet/metrics/collectors/volume_stats.go). */
export const KUBELET = {
  volumeAvailableBytes: "kubelet_volume_stats_available_bytes",
  volumeCapacityBytes: "kubelet_volume_stats_capacity_bytes",
  volumeUsedBytes: "kubelet_volume_stats_used_bytes",
} as const;

/** blackbox_exporter's result of one probe, 1 or 0 (prometheus/blackbox_exporter prober/handler.go). */
export const BLACKBOX = { probeSuccess: "probe_success" } as const;

/** NVIDIA dcgm-exporter's default counters (NVIDIA/dcgm-exporter etc/default-counters.csv): framebuffer MiB, last XID. */
export const DCGM = {
  framebufferUsed: "DCGM_FI_DEV_FB_USED",
  framebufferFree: "DCGM_FI_DEV_FB_FREE",
  xidErrors: "DCGM_FI_DEV_XID_ERRORS",
} as const;

/**
 * Neo4j 5 Enterprise metrics (server.metrics.prometheus.*; Neo4j Operations Manual, "Metrics
 * reference"). The runbook's 4.x names (`neo4j_cypher_execution_time_seconds`,
 * `neo4j_connections_active`) no longer exist.
 */
export const NEO4J_METRIC = {
  connections: "neo4j_dbms_bolt_connections_running",
  queryLatencyMillis: "neo4j_database_neo4j_db_query_execution_latency_millis",
} as const;
