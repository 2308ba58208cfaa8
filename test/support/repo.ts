import * as path from "node:path";

/** The repository's root, wherever the test that reads it sits (this file is test/support/repo.ts). */
export const ROOT = path.resolve(__dirname, "../..");
