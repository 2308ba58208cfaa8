/**
 * Secrets reach containers as files, never as environment variables where the image can read a
 * file: an environment shows in `docker inspect`, in the pod spec's resolved env, in
 * `/proc/<pid>/environ` of every process that inherits it and in crash dumps. The image is told
 * where the file is by a `*_FILE` variable of its own (each workload cites its image's source).
 */
import type { SecretFileSpec, SecretName } from "./types";

/** Docker's own place for secrets (`docker secret`, Compose `secrets:`), which images expect. */
export const SECRETS_DIR = "/run/secrets";

/** A secret as the file `/run/secrets/<name>` and the variable that points the image at it. */
export function secretAsFile(variable: string, name: string, secret: SecretName, prefix?: string): { env: Record<string, string>; file: SecretFileSpec } {
  const mountPath = `${SECRETS_DIR}/${name}`;
  return { env: { [variable]: mountPath }, file: { name, mountPath, secret, ...(prefix ? { prefix } : {}) } };
}
