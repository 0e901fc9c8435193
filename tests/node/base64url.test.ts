import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromBase64Url, toBase64Url } from "../../server/lib/base64url";
import { randomToken } from "../../server/lib/crypto";

describe("base64url", () => {
  it("writes what Node's Buffer writes and reads it back", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const text = toBase64Url(bytes);
        expect(text).toBe(Buffer.from(bytes).toString("base64url"));
        expect(fromBase64Url(text)).toEqual(Uint8Array.from(bytes));
      }),
    );
  });

  it("reads randomToken's tokens and padded text", () => {
    expect(fromBase64Url(randomToken(32))?.length).toBe(32);
    expect(fromBase64Url("-_8=")).toEqual(Uint8Array.from([0xfb, 0xff]));
    expect(fromBase64Url("")).toEqual(new Uint8Array());
  });

  it("refuses text that is not base64url", () => {
    for (const text of ["+/8", "ab cd", "abcde", "a=b", "abc===", "é"]) expect(fromBase64Url(text)).toBeNull();
  });
});
