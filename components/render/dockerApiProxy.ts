/**
 * The Docker API proxy in front of the Docker socket for the backup scheduler: nginx (the image
 * the stack already runs as its load balancer, which ships njs) listens on a unix socket in a
 * volume only it and the scheduler mount, and passes a call to dockerd only when its method and
 * path are one of the calls the backup scripts make (backupDockerCalls); everything else gets 403
 * and never reaches the socket.
 *
 * tecnativa/docker-socket-proxy (HAProxy) allows whole API sections by environment switches
 * (CONTAINERS=1, POST=1, EXEC=1, ...): a backup that needs `POST /containers/create` would get
 * every create, with any HostConfig (Privileged, a bind of /), which is root on the host again.
 * This proxy allows single paths with the names the scripts use, and reads the JSON body of the
 * three calls that carry one (container create, exec create, volume create) with njs: the image,
 * the binds, the network, the capabilities (CapDrop ALL, no-new-privileges, the listed CapAdd) and
 * every other HostConfig field of a create must be one of the containers the scripts create, an
 * exec must run the scripts' cypher-shell command.
 *
 * What remains, and why it cannot be narrowed here: the containers the scripts create run any
 * command of their image (Entrypoint and Cmd are the dump's, load's and upload's arguments) on the
 * Neo4j and backup volumes (the dump must read the store, the restore must write it), so a
 * compromised scheduler can read or replace the graph; `docker exec` into Neo4j runs any Cypher; `docker run` addresses the container it
 * created by its 64-hex id, which the proxy does not tie to that create (that needs state across
 * requests, njs 0.8's shared dictionaries, which the Debian nginx the tests run lacks), so
 * start/attach/wait take any id: ids are not listable through the proxy (no GET /containers/json;
 * inspect only of Neo4j and the scratch Neo4j), and attach takes stdout/stderr and stdin (aws_run
 * hands the store's key to the AWS CLI on its stdin; a container not started with OpenStdin, such
 * as Neo4j, reads none), never logs. Signals the docker CLI forwards to a `docker run` (POST .../kill) are refused: a dump
 * cut short is removed with `docker rm --force` (admin_remove) instead.
 */
import { type BackupDockerCalls, type DockerCall, escapeRegExp } from "./backupDockerApi";
import { nginxTempPaths } from "./nginx";
import { NJS_MODULE } from "./nginxSession";

export interface DockerApiProxyInput {
  /** Unix socket the proxy listens on (in the volume it shares with the scheduler). */
  listenSocket: string;
  /** dockerd's socket, mounted into the proxy alone. */
  dockerSocket: string;
  /** Where nginx keeps its pid and temp files. */
  runDir: string;
  accessLog: string;
  /** The njs file, next to nginx.conf. */
  jsFile: string;
  calls: BackupDockerCalls;
}

/**
 * API versions the proxy admits. Below 1.24, POST /containers/{id}/start took a HostConfig in
 * its body (Engine API version history, v1.24: "POST /containers/(name)/start no longer accepts
 * a HostConfig"), which would let a plain start carry Privileged or host binds.
 */
export const API_VERSION = String.raw`/v1\.(2[4-9]|[3-9][0-9])`;

/** Paths and queries made of plain characters only: no %-escapes, no dot segments, no empty segments. */
const PLAIN_URI = String.raw`^/[A-Za-z0-9/_.-]*(\?[A-Za-z0-9=&_.-]*)?$`;
const TRICK_URI = String.raw`(^|/)\.|//`;
const ID = "[0-9a-f]{64}";

/** `{id}` stands for a 64-hex container or exec id; every other character is literal. */
function pathPattern(c: DockerCall): string {
  const path = c.path.split("{id}").map(escapeRegExp).join(ID);
  return c.path === "/_ping" ? path : `${API_VERSION}${path}`;
}

const route = (c: DockerCall) => c.body ?? "plain";

/** The query part of a call's pattern: none, one that may be absent, or one that must be there. */
function queryPattern(c: DockerCall): string {
  if (!c.query) return "";
  return new RegExp(`^(${c.query})$`).test("") ? String.raw`(\?(${c.query}))?` : String.raw`\?(${c.query})`;
}

/**
 * "METHOD raw-request-URI" to the kind of call. The raw URI is the one dockerd gets (proxy_pass
 * without a URI passes it unchanged); it is also checked to hold no escapes or dot segments, so
 * nginx's normalized $uri, which picks the location, names the same path.
 */
function callMap(calls: DockerCall[]): string[] {
  return calls.map((c) => `    "~^${c.method} ${pathPattern(c)}${queryPattern(c)}$" ${route(c)};`);
}

const refuse = (why: string) => `return 403 '{"message":"refused by the backup Docker API proxy: ${why}"}';`;

export function renderDockerApiProxyConf(i: DockerApiProxyInput): string {
  const body = (kind: string, path: string) => [
    `    location ~ ^${API_VERSION}${path}$ {`,
    `      if ($docker_route != ${kind}) { ${refuse("not a call the backup makes")} }`,
    `      js_content dockerApi.${kind};`,
    "    }",
  ];
  return [
    "# Rendered by mcp-superserver-infra; do not edit by hand.",
    `load_module ${NJS_MODULE};`,
    // Root workers: dockerd's socket is root:docker 0660, and the docker group's id is the host's.
    "user root;",
    "worker_processes 1;",
    `pid ${i.runDir}/nginx.pid;`,
    "error_log stderr notice;",
    "events { worker_connections 64; }",
    "http {",
    ...nginxTempPaths(i.runDir).map((line) => `  ${line}`),
    "  default_type application/json;",
    `  log_format docker '$time_iso8601 $request_method $request_uri $status route=$docker_route';`,
    `  access_log ${i.accessLog} docker;`,
    `  js_import dockerApi from ${i.jsFile};`,
    "  map \"$request_method $request_uri\" $docker_call {",
    '    default "";',
    ...callMap(i.calls.calls),
    "  }",
    "  map $request_uri $docker_uri_ok {",
    "    default 0;",
    `    "~${TRICK_URI}" 0;`,
    `    "~${PLAIN_URI}" 1;`,
    "  }",
    "  map \"$docker_uri_ok:$docker_call\" $docker_route {",
    "    default refuse;",
    ...["plain", "container", "exec", "volume"].map((k) => `    1:${k} ${k};`),
    "  }",
    "  map $http_upgrade $docker_connection {",
    "    default upgrade;",
    '    "" close;',
    "  }",
    "  upstream docker_engine {",
    `    server unix:${i.dockerSocket};`,
    "  }",
    "  server {",
    `    listen unix:${i.listenSocket};`,
    // The bodies the proxy reads are a few KiB of JSON; njs reads them only from memory.
    "    client_max_body_size 64k;",
    "    client_body_buffer_size 64k;",
    // attach and exec start are hijacked streams (101 UPGRADED, Upgrade: tcp).
    "    proxy_http_version 1.1;",
    "    proxy_set_header Upgrade $http_upgrade;",
    "    proxy_set_header Connection $docker_connection;",
    "    proxy_buffering off;",
    // `docker run` holds POST .../wait open for the whole dump or upload; the job runs daily.
    "    proxy_read_timeout 24h;",
    "    proxy_send_timeout 24h;",
    "    location / {",
    `      if ($docker_route != plain) { ${refuse("not a call the backup makes")} }`,
    "      proxy_pass http://docker_engine;",
    "    }",
    ...body("container", "/containers/create"),
    ...body("exec", "/containers/[^/]+/exec"),
    ...body("volume", "/volumes/create"),
    "    location @docker {",
    "      proxy_pass http://docker_engine;",
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");
}

/**
 * The njs checks of the three bodies. A HostConfig field the list does not name must be empty
 * (null, "", false, 0, [], or an object of empties), so a field dockerd adds later is refused
 * until it is looked at; MaskedPaths and ReadonlyPaths must be null (an empty list unmasks /proc).
 */
export function renderDockerApiProxyScript(calls: BackupDockerCalls): string {
  const rules = { containers: calls.containers, execs: calls.execs, volumes: calls.volumes };
  return `// Rendered by mcp-superserver-infra; do not edit by hand.
var RULES = ${JSON.stringify(rules)};

function refuse(r, why) {
  r.headersOut['Content-Type'] = 'application/json';
  r.return(403, JSON.stringify({ message: 'refused by the backup Docker API proxy: ' + why }));
}
function parsed(r) {
  if (typeof r.requestText !== 'string') return null;
  try { var v = JSON.parse(r.requestText); return v && typeof v === 'object' && !Array.isArray(v) ? v : null; } catch (e) { return null; }
}
function empty(v) {
  if (v === null || v === undefined || v === '' || v === false || v === 0) return true;
  if (Array.isArray(v)) return v.every(empty);
  if (typeof v === 'object') return Object.keys(v).every(function (k) { return empty(v[k]); });
  return false;
}
function sameList(a, b) {
  a = (a || []).slice().sort(); b = b.slice().sort();
  return a.length === b.length && a.every(function (x, i) { return x === b[i]; });
}
// Every field not named here must be empty.
function onlyKnown(obj, known) {
  var bad = Object.keys(obj).filter(function (k) { return !(k in known) && !empty(obj[k]); });
  return bad.length ? bad[0] : '';
}
// Docker takes CHOWN and CAP_CHOWN alike; the CLI may send either.
function capName(c) { return String(c).toUpperCase().replace(/^CAP_/, ''); }
function caps(v) { return (Array.isArray(v) ? v : []).map(capName); }
var HOST_CONFIG = {
  Binds: 1, NetworkMode: 1, AutoRemove: 1, CapAdd: 1,
  CapDrop: function (v) { return sameList(caps(v), ['ALL']); },
  SecurityOpt: function (v) { return sameList(v, ['no-new-privileges:true']); },
  RestartPolicy: function (v) { return empty(v) || (v.Name === 'no' && empty(v.MaximumRetryCount)); },
  MemorySwappiness: function (v) { return v === -1 || v === null || v === undefined; },
  MaskedPaths: function (v) { return v === null || v === undefined; },
  ReadonlyPaths: function (v) { return v === null || v === undefined; }
};
function container(r) {
  var spec = parsed(r);
  if (!spec) return refuse(r, 'the body is not a JSON object');
  var name = r.args.name === undefined ? '' : r.args.name;
  if (typeof name !== 'string') return refuse(r, 'one name only');
  var hc = spec.HostConfig || {};
  var match = RULES.containers.filter(function (c) {
    return c.name === name && c.image === spec.Image && c.networkMode === hc.NetworkMode && sameList(hc.Binds, c.binds) && sameList(caps(hc.CapAdd), c.capAdd);
  });
  if (!match.length) return refuse(r, 'not a container the backup creates (name, image, binds, network, capabilities)');
  if (typeof hc.AutoRemove !== 'boolean') return refuse(r, 'HostConfig.AutoRemove');
  var bad = Object.keys(HOST_CONFIG).filter(function (k) { return typeof HOST_CONFIG[k] === 'function' && !HOST_CONFIG[k](hc[k]); })[0] || onlyKnown(hc, HOST_CONFIG);
  if (bad) return refuse(r, 'HostConfig.' + bad);
  var endpoints = Object.keys((spec.NetworkingConfig || {}).EndpointsConfig || {});
  if (endpoints.some(function (n) { return n !== hc.NetworkMode; })) return refuse(r, 'NetworkingConfig');
  r.internalRedirect('@docker');
}
function exec(r) {
  var spec = parsed(r);
  if (!spec) return refuse(r, 'the body is not a JSON object');
  var rule = RULES.execs[r.uri.split('/')[3]];
  var command = rule ? rule.command : null;
  var cmd = spec.Cmd;
  if (!command || !Array.isArray(cmd) || cmd.length !== command.length + 1 || typeof cmd[command.length] !== 'string' ||
      !command.every(function (a, i) { return cmd[i] === a; })) return refuse(r, 'not the command the backup runs');
  if ((spec.User || '') !== rule.user) return refuse(r, 'User');
  var bad = onlyKnown(spec, { Cmd: 1, User: 1, AttachStdout: 1, AttachStderr: 1 });
  if (bad) return refuse(r, bad);
  r.internalRedirect('@docker');
}
function volume(r) {
  var spec = parsed(r);
  if (!spec) return refuse(r, 'the body is not a JSON object');
  if (RULES.volumes.indexOf(spec.Name) < 0) return refuse(r, 'not a volume the backup creates');
  if (spec.Driver !== undefined && spec.Driver !== 'local') return refuse(r, 'Driver');
  var bad = onlyKnown(spec, { Name: 1, Driver: 1 });
  if (bad) return refuse(r, bad);
  r.internalRedirect('@docker');
}
export default { container: container, exec: exec, volume: volume };
`;
}
