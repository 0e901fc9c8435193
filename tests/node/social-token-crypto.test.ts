import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptToken, encryptToken, usesCurrentKey } from "../../server/services/social/token-crypto";
import { TEST_SOCIAL_TOKEN_KEYS } from "../support/trpc";

const key = () => randomBytes(32).toString("base64");
const TOKEN = "IGAAlongLivedToken-abc123_SECRET";

describe("social token encryption", () => {
  it("round-trips and never stores the token or its base64 in the clear", async () => {
    const stored = await encryptToken(TEST_SOCIAL_TOKEN_KEYS, TOKEN);
    expect(stored).toMatch(/^v2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(stored).not.toContain(TOKEN);
    expect(stored).not.toContain(Buffer.from(TOKEN).toString("base64url").slice(0, 12));
    expect(await decryptToken(TEST_SOCIAL_TOKEN_KEYS, stored)).toBe(TOKEN);
  });

  it("uses a fresh IV each time", async () => {
    const first = await encryptToken(TEST_SOCIAL_TOKEN_KEYS, TOKEN);
    const second = await encryptToken(TEST_SOCIAL_TOKEN_KEYS, TOKEN);
    expect(first).not.toBe(second);
  });

  it("rotates: a v1 value still decrypts after v2 is added in front, and is flagged for re-encryption", async () => {
    const v1 = key();
    const v2 = key();
    const old = await encryptToken(`v1:${v1}`, TOKEN);
    const rotated = `v2:${v2},v1:${v1}`;
    expect(await decryptToken(rotated, old)).toBe(TOKEN);
    expect(await usesCurrentKey(rotated, old)).toBe(false);
    const fresh = await encryptToken(rotated, TOKEN);
    expect(fresh.startsWith("v2.")).toBe(true);
    expect(await usesCurrentKey(rotated, fresh)).toBe(true);
    // Once v1 is retired, only re-encrypted values still open.
    expect(await decryptToken(`v2:${v2}`, fresh)).toBe(TOKEN);
    await expect(decryptToken(`v2:${v2}`, old)).rejects.toThrow(/version v1, which SOCIAL_TOKEN_KEYS does not list/);
  });

  it("fails on a tampered value, a relabelled version and a wrong key", async () => {
    const stored = await encryptToken(TEST_SOCIAL_TOKEN_KEYS, TOKEN);
    const [version, iv, data] = stored.split(".");
    const flipped = data.slice(0, -2) + (data.at(-2) === "A" ? "B" : "A") + data.at(-1);
    await expect(decryptToken(TEST_SOCIAL_TOKEN_KEYS, `${version}.${iv}.${flipped}`)).rejects.toThrow(
      /could not be decrypted/,
    );
    await expect(decryptToken(TEST_SOCIAL_TOKEN_KEYS, `v1.${iv}.${data}`)).rejects.toThrow(/could not be decrypted/);
    await expect(decryptToken(`v2:${key()}`, stored)).rejects.toThrow(/could not be decrypted/);
    await expect(decryptToken(TEST_SOCIAL_TOKEN_KEYS, "not-a-token")).rejects.toThrow(/format/);
  });

  it("rejects malformed and short keys without echoing them", async () => {
    const short = Buffer.from("too-short").toString("base64");
    await expect(encryptToken(`v1:${short}`, TOKEN)).rejects.toThrow(/v1 is 9 bytes; AES-256 needs exactly 32/);
    await expect(encryptToken(key(), TOKEN)).rejects.toThrow(/entry 1 is malformed/);
    await expect(encryptToken("", TOKEN)).rejects.toThrow(/not set/);
    await expect(encryptToken(`v1:${key()},v1:${key()}`, TOKEN)).rejects.toThrow(/twice/);
    const error = await encryptToken(`v1:${short}`, TOKEN).catch((e: Error) => e);
    expect((error as Error).message).not.toContain(short);
  });
});
