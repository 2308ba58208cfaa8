/** Rewrites the generated tables of README.md, the config reference (from the schema) and the alerts (from their domains): `npm run docs:config`. */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { withConfigReference } from "../components/config/reference";
import { withAlertReference } from "../components/render/alerts/reference";

const readme = path.resolve(__dirname, "..", "README.md");
writeFileSync(readme, withAlertReference(withConfigReference(readFileSync(readme, "utf8"))));
console.log(`updated the config reference and the alert table in ${path.relative(process.cwd(), readme)}`);
