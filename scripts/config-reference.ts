/** Rewrites the config reference table in README.md from the schema: `npm run docs:config`. */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { withConfigReference } from "../components/config/reference";

const readme = path.resolve(__dirname, "..", "README.md");
writeFileSync(readme, withConfigReference(readFileSync(readme, "utf8")));
console.log(`updated the config reference in ${path.relative(process.cwd(), readme)}`);
