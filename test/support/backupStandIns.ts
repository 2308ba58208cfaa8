/**
 * Stand-ins for the tools the backup and restore scripts drive, as shell scripts on a PATH of
 * their own. They keep state in a sandbox directory and refuse what the real tools refuse.
 *
 * The store (`$NEO4J_STANDIN_STORE`) is a directory: `graph` holds the database (one line per
 * node), `server.lock` exists while a Neo4j server has it mounted, `admin.pid` while neo4j-admin
 * works on it, `needs-recovery` after an unclean shutdown (a SIGKILL) until a server starts on it.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";

/** The stand-ins, one shell script each; each file's header gives the real tool's behaviour it copies and its source. */
const STAND_IN_DIR = path.join(__dirname, "standins");
const STAND_INS = ["neo4j-admin", "docker", "aws", "crond", "curl", "neo4j", "cypher-shell"];

export interface StandInSandbox {
  root: string;
  bin: string;
  store: string;
  state: string;
  /** One directory per bucket. */
  s3: string;
  calls: string;
  /** The object store's secret key in a file, as the Docker backup job gets it; the store accepts it when `AWS_STANDIN_SECRET_KEY` is set to it. */
  secretKeyFile: string;
  secretKey: string;
  env: NodeJS.ProcessEnv;
}

/** A sandbox with the stand-ins on PATH, a store holding `nodes` nodes and a running Neo4j container. */
export function standInSandbox(root: string, neo4jContainer: string, nodes: number, extraBin: Record<string, string> = {}): StandInSandbox {
  const bin = path.join(root, "bin");
  const store = path.join(root, "store");
  const state = path.join(root, "docker");
  const s3 = path.join(root, "s3");
  for (const d of [bin, store, state, s3]) mkdirSync(d, { recursive: true });
  const standIns = Object.fromEntries(STAND_INS.map((n) => [n, readFileSync(path.join(STAND_IN_DIR, n), "utf8")]));
  for (const [name, body] of Object.entries({ ...standIns, ...extraBin })) {
    writeFileSync(path.join(bin, name), body);
    chmodSync(path.join(bin, name), 0o755);
  }
  writeFileSync(path.join(store, "graph"), Array.from({ length: nodes }, (_, i) => `node-${i}\n`).join(""));
  writeFileSync(path.join(store, "server.lock"), "");
  writeFileSync(path.join(state, neo4jContainer), "running\n");
  // The live Neo4j container's NEO4J_AUTH_FILE, which `docker exec` into it sees.
  const auth = path.join(root, "neo4j-auth");
  writeFileSync(auth, "neo4j/stand-in-password");
  const calls = path.join(root, "calls.log");
  const secretKey = "stand-in-store-secret-key";
  const secretKeyFile = path.join(root, "object-store-password");
  writeFileSync(secretKeyFile, secretKey);
  return {
    secretKeyFile,
    secretKey,
    root,
    bin,
    store,
    state,
    s3,
    calls,
    env: {
      S3_STANDIN: s3,
      K8S_STANDIN: path.join(root, "k8s"),
      PATH: `${bin}:${process.env.PATH}`,
      STANDIN_CALLS: calls,
      NEO4J_STANDIN_STORE: store,
      DOCKER_STANDIN_STATE: state,
      DOCKER_STANDIN_NEO4J: neo4jContainer,
      DOCKER_STANDIN_NEO4J_VOLUME: "mcp-neo4j-data",
      NEO4J_AUTH_FILE: auth,
    },
  };
}
