/**
 * What a rendered nginx.conf expects next to it, as the image provides: the njs module under
 * `modules/` of the prefix (the official image links /etc/nginx/modules to /usr/lib/nginx/modules,
 * where Debian's libnginx-mod-http-js installs it too), the session script beside nginx.conf and
 * the signing key's file it reads.
 */
import { chownSync, existsSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AUTH_JS_FILE, authScript } from "../../components/render/nginxAuth";
import { SESSION_JS_FILE, SESSION_KEY_FILE, sessionScript } from "../../components/render/nginxSession";
import { UPSTREAM_NAME } from "../../components/render/nginxUpstream";

const MODULES_DIR = "/usr/lib/nginx/modules";
const NOBODY = 65534;

/** A signing key for tests only (the stack generates one as a Pulumi secret). */
export const TEST_SESSION_KEY = "test-only-session-key-0123456789";

/** Client tokens for tests only (the stack generates one per client as a Pulumi secret), 48 URL-safe characters like the stack's. */
export const TEST_CLIENT_TOKENS: Record<string, string> = {
  "client-a": "testAAAAtokenAAAAforAAAAclientAAAAaAAAA0123456789",
  "client-b": "testBBBBtokenBBBBforBBBBclientBBBBbBBBB0123456789",
};

export function prepareNginxPrefix(dir: string): void {
  if (!existsSync(join(MODULES_DIR, "ngx_http_js_module.so"))) throw new Error(`njs module missing in ${MODULES_DIR} (libnginx-mod-http-js)`);
  symlinkSync(MODULES_DIR, join(dir, "modules"));
  // 0400 and owned by the user the workers run as, as the stack mounts it: started as root, nginx
  // drops its workers to `nobody` (the official image: its nginx user).
  writeFileSync(join(dir, SESSION_KEY_FILE), TEST_SESSION_KEY, { mode: 0o400 });
  if (process.getuid?.() === 0) chownSync(join(dir, SESSION_KEY_FILE), NOBODY, NOBODY);
  writeFileSync(join(dir, SESSION_JS_FILE), sessionScript(UPSTREAM_NAME, join(dir, SESSION_KEY_FILE)));
  writeFileSync(join(dir, AUTH_JS_FILE), authScript());
}

/**
 * The config without `server ... resolve` (nginx >= 1.27.3, the image's pin), for nginx -t by the
 * older nginx installed here; every other directive is still checked.
 */
export const withoutResolve = (conf: string) => conf.replace(/^(\s*server \S+) resolve /gm, "$1 ");
