/**
 * One stub hub in its own process (the benchmark runs each replica apart from the load
 * generator): `tsx test/support/stubHubMain.ts '{"name":"hub-0","delayMs":2,"workers":4}'`
 * prints `{"port":N}` once listening and stops on SIGTERM.
 */
import { StubHub, type StubHubOptions } from "./stubHub";

const options = JSON.parse(process.argv[2] ?? "{}") as StubHubOptions;
void new StubHub(options).start().then((hub) => {
  process.stdout.write(`${JSON.stringify({ port: hub.port })}\n`);
  process.on("SIGTERM", () => void hub.crash().then(() => process.exit(0)));
});
