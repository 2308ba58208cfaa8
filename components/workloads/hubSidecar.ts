/**
 * The hub's companion process, run from the hub's own image (so nothing else is pulled) in the
 * hub's network namespace and with its scratch directories:
 * - it serves the address the upstream hub's Ollama client always calls and forwards every
 *   connection to the Ollama service (see HUB_OLLAMA_CLIENT_ADDRESS);
 * - it keeps what the hub writes without bound (its file log, a note per request) under a byte
 *   budget: a file over budget is truncated in place (the hub appends, so it goes on writing at
 *   the new end, as logrotate's copytruncate), a directory loses its oldest files first.
 * The script is plain Node.js with no dependency; the tests run this very text.
 */
export const HUB_SIDECAR_SCRIPT = String.raw`
const net = require("net");
const fs = require("fs");
const path = require("path");
const env = process.env;
const split = (s) => { const i = s.lastIndexOf(":"); return { host: s.slice(0, i), port: Number(s.slice(i + 1)) }; };
if (env.FORWARD_LISTEN && env.FORWARD_TO) {
  const from = split(env.FORWARD_LISTEN);
  const to = split(env.FORWARD_TO);
  const server = net.createServer((client) => {
    const upstream = net.connect(to.port, to.host);
    const close = () => { client.destroy(); upstream.destroy(); };
    client.on("error", close);
    upstream.on("error", close);
    client.on("close", close);
    upstream.on("close", close);
    client.pipe(upstream).pipe(client);
  });
  server.on("error", (e) => { console.error("forwarder: " + e.message); process.exit(1); });
  server.listen(from.port, from.host, () => console.log("forwarding " + env.FORWARD_LISTEN + " to " + env.FORWARD_TO));
}
const budget = Number(env.PRUNE_MAX_BYTES || 0);
const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
  const p = path.join(dir, d.name);
  if (d.isDirectory()) return walk(p);
  if (!d.isFile()) return [];
  const s = fs.statSync(p);
  return [{ p, size: s.size, mtime: s.mtimeMs }];
});
const prune = () => {
  for (const target of (env.PRUNE_PATHS || "").split(":").filter(Boolean)) {
    try {
      const s = fs.statSync(target);
      if (s.isFile() && s.size > budget) {
        fs.truncateSync(target, 0);
        console.log("truncated " + target + " at " + s.size + " bytes");
      } else if (s.isDirectory()) {
        const files = walk(target).sort((a, b) => a.mtime - b.mtime);
        let total = files.reduce((n, f) => n + f.size, 0);
        let removed = 0;
        while (total > budget && files.length > 1) { const f = files.shift(); fs.rmSync(f.p, { force: true }); total -= f.size; removed++; }
        if (removed) console.log("removed " + removed + " oldest files from " + target);
        // The hub appends a day's notes to one file: alone over budget, it is emptied in place.
        if (total > budget && files.length === 1) { fs.truncateSync(files[0].p, 0); console.log("truncated " + files[0].p); }
      }
    } catch (e) {
      if (e.code !== "ENOENT") console.error("prune " + target + ": " + e.message);
    }
  }
};
if (env.PRUNE_PATHS) setInterval(prune, Number(env.PRUNE_EVERY_SECONDS || 30) * 1000);
prune();
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
`.trim();

export interface HubSidecarOptions {
  /** host:port of the Ollama service; unset, nothing is forwarded. */
  forwardTo?: string;
  listen: string;
  prunePaths: string[];
  pruneMaxBytes: number;
  pruneEverySeconds: number;
}

export function hubSidecarEnv(o: HubSidecarOptions): Record<string, string> {
  return {
    ...(o.forwardTo ? { FORWARD_LISTEN: o.listen, FORWARD_TO: o.forwardTo } : {}),
    PRUNE_PATHS: o.prunePaths.join(":"),
    PRUNE_MAX_BYTES: String(o.pruneMaxBytes),
    PRUNE_EVERY_SECONDS: String(o.pruneEverySeconds),
  };
}
