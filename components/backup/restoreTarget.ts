/** The `restoreTarget` stack output: what `npm run restore` (scripts/restore.ts) talks to on each target. */
export type RestoreTarget =
  | { target: "docker"; container: string; restoreCommand: string }
  | { target: "kubernetes"; namespace: string; cronJob: string; statefulSet: string; bucket: string; prefix: string };
