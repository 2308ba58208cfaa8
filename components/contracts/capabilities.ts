/**
 * The capabilities each image needs back after a container drops ALL, with the step of its
 * start that fails without one and where that step is written. Images that start as a non-root
 * user (the hub and its sidecar 1001, Grafana 472, Prometheus, Alertmanager and node_exporter as
 * nobody) and images whose one process only serves HTTP and reads and writes its own files
 * (MinIO and Ollama as root on root's volumes, the nginx exporter, blackbox_exporter: HTTP and
 * TCP probes only, no ICMP, so no NET_RAW) need none: they have no entry here. No image binds a
 * port below 1024, so none needs NET_BIND_SERVICE.
 *
 * Facts of the kernel the reasons rely on (capabilities(7), setgroups(2), kill(2)): root without
 * CAP_CHOWN cannot give a file away, without CAP_FOWNER cannot chmod a file it does not own,
 * without CAP_DAC_OVERRIDE cannot write into a directory of another user's with mode 700;
 * setgroups (initgroups) needs CAP_SETGID even for root; setuid to another uid needs CAP_SETUID;
 * a signal to a process of another uid needs CAP_KILL.
 */
/** Linux capabilities as Docker's `--cap-add` and a Kubernetes securityContext name them (no CAP_ prefix). */
export type Capability = "CHOWN" | "DAC_OVERRIDE" | "FOWNER" | "KILL" | "SETGID" | "SETUID" | "SYSLOG";

/**
 * What a container gets back after dropping every capability: each one with the step of the
 * image's own start (or of its process) that fails without it, and the source of that fact.
 */
export type CapabilityNeeds = Partial<Record<Capability, string>>;

/**
 * Neo4j 5's image starts `tini -g -- /startup/docker-entrypoint.sh` as root
 * (neo4j/docker-neo4j-publish 5.26.0/bullseye/community/Dockerfile); the entrypoint, when root,
 * chowns and chmods NEO4J_HOME, rewrites conf/neo4j.conf there, then drops to neo4j with gosu.
 */
export const NEO4J_CAPABILITIES: CapabilityNeeds = {
  CHOWN: "the entrypoint's `chown -R neo4j:neo4j $NEO4J_HOME` (and of a mounted folder neo4j cannot write)",
  FOWNER: "the entrypoint's `chmod 700` of NEO4J_HOME's folders and `chmod 600` of conf/ files, which it has just given to neo4j",
  DAC_OVERRIDE: "the entrypoint, still root, writes conf/neo4j.conf inside the neo4j-owned folders it made mode 700",
  SETGID: "`gosu neo4j:neo4j` sets the groups (setgroups) before it execs Neo4j",
  SETUID: "`gosu neo4j:neo4j` switches to uid 7474",
  KILL: "tini (root, PID 1) forwards `docker stop`'s SIGTERM to Neo4j, a process of uid 7474: without it Neo4j is SIGKILLed after the stop timeout and the store needs recovery",
};

/**
 * The nginx image runs `nginx -g 'daemon off;'` as root: the master reads the config and the
 * workers switch to the image's nginx user (src/os/unix/ngx_process_cycle.c,
 * ngx_worker_process_init: setgid, initgroups, setuid when euid is 0; src/core/ngx_file.c,
 * ngx_create_paths: chown of the temp paths to that user).
 */
export const NGINX_CAPABILITIES: CapabilityNeeds = {
  CHOWN: "the master chowns its temp paths (client_body, proxy, ...) to the worker user",
  SETGID: "each worker's setgid and initgroups to the nginx user",
  SETUID: "each worker's setuid to the nginx user",
  KILL: "the master signals its workers (uid 101) on stop and reload",
};

/**
 * The Docker backup scheduler (docker CLI image, root): busybox crond changes to the crontab's
 * user before each job (busybox libbb/change_identity.c: initgroups, setgid, setuid). The user is
 * root itself, so setgid and setuid to 0 need nothing; initgroups calls setgroups, which does.
 */
export const BACKUP_SCHEDULER_CAPABILITIES: CapabilityNeeds = {
  SETGID: "busybox crond's initgroups (setgroups) for the root crontab before every job",
};

/**
 * cAdvisor runs as root and reads cgroups, /var/lib/docker and the Docker API through read-only
 * mounts: no capability for those (the files are root's own). Its OOM events (`oom_event`,
 * container_oom_events_total, which the ContainerOOMKilled alert reads) come from /dev/kmsg
 * (google/cadvisor#2553: `--device=/dev/kmsg` without `--privileged`); opening it needs
 * CAP_SYSLOG when kernel.dmesg_restrict is 1 (kernel printk devkmsg_open,
 * check_syslog_permissions; Debian and Ubuntu default to 1), and Docker's default set lacks it.
 */
export const CADVISOR_CAPABILITIES: CapabilityNeeds = {
  SYSLOG: "reading /dev/kmsg for OOM events when kernel.dmesg_restrict=1",
};
