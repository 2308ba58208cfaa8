/** A webhook receiver on 127.0.0.1 that records what Alertmanager delivers, by path. */
import { createServer, type Server } from "node:http";
import { closeNow, waitFor } from "./processes";

export interface DeliveredAlert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface Delivery {
  path: string;
  receivedAt: number;
  status: string;
  alerts: DeliveredAlert[];
}

export class WebhookReceiver {
  readonly deliveries: Delivery[] = [];
  /** Paths answered with 500, as a broken receiver would (the delivery is not recorded). */
  readonly failing = new Set<string>();
  private server?: Server;
  url = "";

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        if (this.failing.has(req.url ?? "")) return void res.writeHead(500).end("internal error");
        const payload = JSON.parse(body) as { status: string; alerts: DeliveredAlert[] };
        this.deliveries.push({ path: req.url ?? "", receivedAt: Date.now(), status: payload.status, alerts: payload.alerts });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  /** The first firing `alertname` delivered on `path` after `since`. */
  async firing(path: string, alertname: string, since: number, timeoutMs: number): Promise<{ delivery: Delivery; alert: DeliveredAlert }> {
    return waitFor(
      `${alertname} on ${path}`,
      async () => {
        for (const delivery of this.deliveries) {
          if (delivery.path !== path || delivery.receivedAt < since) continue;
          const alert = delivery.alerts.find((a) => a.status === "firing" && a.labels.alertname === alertname);
          if (alert) return { delivery, alert };
        }
        return undefined;
      },
      timeoutMs,
      50,
    );
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await closeNow(server);
  }
}
