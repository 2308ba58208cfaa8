/**
 * nginx's client-tokens file holds SHA-256 digests, not tokens, pinned to the FIPS 180-2 test
 * vector. The real nginx reading it is in lb-auth.test.ts.
 */
import { describe, expect, it } from "vitest";
import { clientTokensFile } from "../../components/render/nginxAuth";
import { TEST_CLIENT_TOKENS } from "../support/nginxPrefix";

/** SHA-256("abc"), FIPS 180-2 appendix B.1. */
const SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

describe("the client-tokens file", () => {
  it("holds one `<client> <SHA-256 of its token, hex>` line per client", () => {
    expect(clientTokensFile({ ci: "abc" })).toBe(`ci ${SHA256_ABC}\n`);
    expect(clientTokensFile({})).toBe("");
  });

  it("does not contain the tokens", () => {
    const text = clientTokensFile(TEST_CLIENT_TOKENS);
    expect(text.split("\n").filter(Boolean).map((l) => l.split(" ")[0])).toEqual(["client-a", "client-b"]);
    for (const token of Object.values(TEST_CLIENT_TOKENS)) expect(text).not.toContain(token.slice(0, 16));
  });
});
