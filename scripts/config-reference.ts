/** Rewrites the generated tables of README.md, the config reference (from the schema), the alerts (from their domains) and the services (from the registry): `npm run docs:config`. */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { withConfigReference } from "../components/config/reference";
import { withAlertReference } from "../components/render/alerts/reference";
import { withServiceReference } from "../components/targets/reference";

const readme = path.resolve(__dirname, "..", "README.md");
writeFileSync(readme, withServiceReference(withAlertReference(withConfigReference(readFileSync(readme, "utf8")))));
console.log(`updated the config reference, the alert table and the services table in ${path.relative(process.cwd(), readme)}`);
