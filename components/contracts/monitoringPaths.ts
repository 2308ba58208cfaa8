/** Where the Prometheus and Alertmanager containers read their config: the program mounts the files there, the policy pack reads the rules from there. */
export const PROMETHEUS_CONFIG_PATH = "/etc/prometheus/prometheus.yml";
export const ALERT_RULES_PATH = "/etc/prometheus/rules/alert-rules.yml";
export const ALERTMANAGER_CONFIG_PATH = "/etc/alertmanager/alertmanager.yml";
