/** A small HTTP client for tests and the benchmark: status, headers, body, with a hard timeout. */
import http from "node:http";

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpOptions {
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  agent?: http.Agent;
  /** The request fails (rejects) when no full answer arrived by then. */
  timeoutMs?: number;
}

export function httpRequest(url: string, o: HttpOptions = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: o.method ?? "GET",
        agent: o.agent ?? false,
        headers: { ...(o.body ? { "Content-Type": "application/json" } : {}), ...o.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.setTimeout(o.timeoutMs ?? 10_000, () => req.destroy(new Error(`no answer from ${url} within ${o.timeoutMs ?? 10_000} ms`)));
    req.on("error", reject);
    req.end(o.body);
  });
}

/** A tool call as the runbook sends it: `POST /tools/call` with a JSON body carrying an id. */
export function toolCall(baseUrl: string, id: string, o: HttpOptions = {}): Promise<HttpResult> {
  return httpRequest(`${baseUrl}/tools/call`, { ...o, method: "POST", body: JSON.stringify({ id, tool: "echo", arguments: {} }) });
}

/** Run `total` requests with at most `concurrency` at once; `onDone` sees each answer as it lands. */
export async function runLoad<T>(
  total: number,
  concurrency: number,
  send: (k: number) => Promise<T>,
  onDone: (result: T, k: number) => void = () => undefined,
): Promise<T[]> {
  const results: T[] = new Array(total);
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const k = next++;
      results[k] = await send(k);
      onDone(results[k], k);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return results;
}
