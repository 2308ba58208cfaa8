/**
 * nginx-prometheus-exporter's flags (nginx/nginx-prometheus-exporter 1.x README): it reads
 * `stub_status` from nginx's internal status port and serves `nginx_*` metrics and `nginx_up`.
 */
import { PORT } from "./types";

export function nginxExporterArgs(nginxHost: string): string[] {
  return [`--nginx.scrape-uri=http://${nginxHost}:${PORT.nginxStatus}/stub_status`, `--web.listen-address=:${PORT.nginxExporter}`];
}
